import { useId, useState, type FormEvent } from 'react';
import { useServerFeatures } from '../hooks/use-server-features.js';
import type { ChatMode, CreateStreamInput, Resolution } from '../sdk/types.js';

export interface CreateStreamFormProps {
  channelId: string;
  busy?: boolean;
  onSubmit: (input: CreateStreamInput) => void;
}

/** The spec's create fields: title, description, schedule, max resolution, chat, reactions,
 * Q&A, chat mode, tags, private. No schedule on a server with `streamScheduling` off. */
export function CreateStreamForm({ channelId, busy, onSubmit }: CreateStreamFormProps) {
  const id = useId();
  const { features } = useServerFeatures();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [scheduledAt, setScheduledAt] = useState('');
  const [maxResolution, setMaxResolution] = useState<Resolution>('1080p');
  const [enableChat, setEnableChat] = useState(true);
  const [enableReactions, setEnableReactions] = useState(true);
  const [enableQa, setEnableQa] = useState(false);
  const [chatMode, setChatMode] = useState<ChatMode>('open');
  const [tags, setTags] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [hideViewerList, setHideViewerList] = useState(false);
  const [channel, setChannel] = useState(channelId);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input: CreateStreamInput = {
      channelId: channel,
      title: title.trim(),
      maxResolution,
      enableChat,
      enableReactions,
      enableQa,
      chatMode,
      isPrivate,
      hideViewerList,
    };
    if (description.trim()) input.description = description.trim();
    if (scheduledAt && features.streamScheduling) input.scheduledAt = new Date(scheduledAt).toISOString();
    const t = tags
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (t.length) input.tags = t;
    onSubmit(input);
  };

  return (
    <form className="ncl-form" onSubmit={submit} aria-label="Create a stream">
      <div className="ncl-field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="ncl-field">
        <label htmlFor={`${id}-desc`}>Description</label>
        <textarea id={`${id}-desc`} rows={3} maxLength={5000} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="ncl-form__row">
        {features.streamScheduling ? (
          <div className="ncl-field">
            <label htmlFor={`${id}-when`}>Schedule (optional)</label>
            <input id={`${id}-when`} type="datetime-local" value={scheduledAt} onChange={(e) => setScheduledAt(e.target.value)} />
          </div>
        ) : null}
        <div className="ncl-field">
          <label htmlFor={`${id}-res`}>Max resolution</label>
          <select id={`${id}-res`} value={maxResolution} onChange={(e) => setMaxResolution(e.target.value as Resolution)}>
            {(['1080p', '720p', '480p', '360p'] as const).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <div className="ncl-field">
          <label htmlFor={`${id}-mode`}>Chat mode</label>
          <select id={`${id}-mode`} value={chatMode} onChange={(e) => setChatMode(e.target.value as ChatMode)}>
            <option value="open">Open</option>
            <option value="followers">Followers only</option>
            <option value="subscribers">Subscribers only</option>
            <option value="disabled">Moderators only</option>
          </select>
        </div>
      </div>
      <fieldset className="ncl-form__checks">
        <legend>Options</legend>
        <label>
          <input type="checkbox" checked={enableChat} onChange={(e) => setEnableChat(e.target.checked)} /> Chat
        </label>
        <label>
          <input type="checkbox" checked={enableReactions} onChange={(e) => setEnableReactions(e.target.checked)} /> Reactions
        </label>
        <label>
          <input type="checkbox" checked={enableQa} onChange={(e) => setEnableQa(e.target.checked)} /> Q&amp;A
        </label>
        <label>
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} /> Private
        </label>
        <label>
          <input type="checkbox" checked={hideViewerList} onChange={(e) => setHideViewerList(e.target.checked)} /> Hide who watches
        </label>
      </fieldset>
      <details className="ncl-form__advanced">
        <summary>Advanced</summary>
        <div className="ncl-field">
          <label htmlFor={`${id}-tags`}>Tags (comma-separated)</label>
          <input id={`${id}-tags`} value={tags} onChange={(e) => setTags(e.target.value)} />
        </div>
        <div className="ncl-field">
          <label htmlFor={`${id}-channel`}>Channel ID</label>
          <input id={`${id}-channel`} required pattern="[0-9a-fA-F-]{36}" value={channel} onChange={(e) => setChannel(e.target.value)} />
        </div>
      </details>
      <button type="submit" className="ncl-button ncl-button--primary" disabled={busy || !title.trim()}>
        {busy ? 'Creating…' : 'Create stream'}
      </button>
    </form>
  );
}
