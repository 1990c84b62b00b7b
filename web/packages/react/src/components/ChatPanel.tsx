import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { UseStreamChatResult } from '../hooks/use-stream-chat.js';
import type { NchatError } from '../sdk/errors.js';
import type { RealtimeClient } from '../sdk/realtime-client.js';
import type { StreamChatMessage } from '../sdk/types.js';
import { formatDuration } from './format.js';

export interface ChatPanelProps {
  messages: StreamChatMessage[];
  pinnedMessage?: StreamChatMessage | null;
  isSending?: boolean;
  isLoading?: boolean;
  error?: NchatError | null;
  /** Why the composer is closed (not signed in, chat disabled, stream ended…); null: open. */
  closedReason?: string | null;
  /** Shown beside the closed reason, e.g. a sign-in link. */
  closedAction?: React.ReactNode;
  /** Shown instead of the composer to a viewer with no identity who may take a guest name
   * (GuestNameForm); when it goes away the composer takes the focus. */
  guestForm?: React.ReactNode;
  canModerate?: boolean;
  currentUserId?: string | null;
  reconnecting?: boolean;
  /** A recording's chat shown in step with its replay (ReplayChat): titled "Chat replay", each
   * message timed by its place in the recording (`mediaMs`), and no composer. */
  replay?: boolean;
  /** Without it there is no composer (a read-only list). */
  onSend?: (content: string) => Promise<unknown> | void;
  onDelete?: (messageId: string) => void;
  onPin?: (messageId: string) => void;
  onUnpin?: (messageId: string) => void;
  onBan?: (userId: string, durationSeconds?: number) => void;
  /** A Q&A panel (QaPanel) shown in a second tab when the stream has Q&A. */
  qa?: React.ReactNode;
}

/** The ChatPanel props that come from `useStreamChat` and the realtime client: the messages and
 * their state, sending, and a moderator's delete, pin and ban (which fail quietly: the room's
 * events say what happened). The rest (who may moderate, closed states) is the caller's. */
export function chatPanelProps(
  chat: UseStreamChatResult,
  realtime: RealtimeClient,
  streamId: string,
): Pick<
  ChatPanelProps,
  | 'messages'
  | 'pinnedMessage'
  | 'isSending'
  | 'isLoading'
  | 'error'
  | 'reconnecting'
  | 'onSend'
  | 'onDelete'
  | 'onPin'
  | 'onUnpin'
  | 'onBan'
> {
  return {
    messages: chat.messages,
    pinnedMessage: chat.pinnedMessage,
    isSending: chat.isSending,
    isLoading: chat.isLoading,
    error: chat.error,
    reconnecting: chat.connectionState === 'reconnecting',
    onSend: chat.sendMessage,
    onDelete: (id) => void chat.deleteMessage(id),
    onPin: (id) => void chat.pinMessage(id),
    onUnpin: (id) => void chat.unpinMessage(id),
    onBan: (userId, d) => void realtime.banUser(streamId, userId, d).catch(() => undefined),
  };
}

const MAX = 500;

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** When a message was said: the wall clock's time live, its place in the recording in a replay. */
function MessageTime({ message, replay }: { message: StreamChatMessage; replay: boolean }) {
  if (replay && message.mediaMs !== undefined) {
    const s = Math.floor(message.mediaMs / 1000);
    return <time dateTime={`PT${s}S`}>{formatDuration(s)}</time>;
  }
  return <time dateTime={message.createdAt}>{time(message.createdAt)}</time>;
}

export function ChatPanel(props: ChatPanelProps) {
  const { messages, pinnedMessage, isSending, isLoading, error, closedReason, closedAction, canModerate, reconnecting, replay } = props;
  const [draft, setDraft] = useState('');
  const [tab, setTab] = useState<'chat' | 'qa'>('chat');
  const inputId = useId();
  const showQa = !!props.qa && tab === 'qa';
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const stick = useRef(true);
  const guestForm = showQa ? null : props.guestForm;
  const hasGuestForm = !!guestForm;
  const hadGuestForm = useRef(hasGuestForm);

  // A viewer who just took a guest name goes on typing where the name was typed (the focus was
  // in the form that went away; it is not taken from anywhere else).
  useEffect(() => {
    const focusLost = !document.activeElement || document.activeElement === document.body;
    if (hadGuestForm.current && !hasGuestForm && focusLost) inputRef.current?.focus();
    hadGuestForm.current = hasGuestForm;
  }, [hasGuestForm]);

  // Follow new messages unless the reader scrolled up.
  useEffect(() => {
    const el = listRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    const r = await props.onSend?.(text);
    if (r !== null) setDraft('');
  };

  return (
    <section className="ncl-chat" aria-label={replay ? 'Chat replay' : 'Live chat'}>
      <header className="ncl-chat__header">
        {props.qa ? (
          <div className="ncl-tabs" role="tablist" aria-label="Chat or questions">
            <button type="button" role="tab" className="ncl-tab" aria-selected={tab === 'chat'} onClick={() => setTab('chat')}>
              Chat
            </button>
            <button type="button" role="tab" className="ncl-tab" aria-selected={tab === 'qa'} onClick={() => setTab('qa')}>
              Q&amp;A
            </button>
          </div>
        ) : (
          <h2>{replay ? 'Chat replay' : 'Chat'}</h2>
        )}
        {reconnecting ? (
          <span className="ncl-chat__notice" role="status">
            Reconnecting…
          </span>
        ) : null}
      </header>
      {showQa ? props.qa : null}
      {!showQa && pinnedMessage ? (
        <div className="ncl-chat__pinned" aria-label="Pinned message">
          <span aria-hidden="true">📌</span> <strong>{pinnedMessage.userName}</strong> {pinnedMessage.content}
          {canModerate && props.onUnpin ? (
            <button type="button" className="ncl-link-button" onClick={() => props.onUnpin?.(pinnedMessage.id)}>
              Unpin
            </button>
          ) : null}
        </div>
      ) : null}
      <ol
        hidden={showQa}
        ref={listRef}
        className="ncl-chat__list"
        aria-live="polite"
        aria-relevant="additions"
        aria-busy={isLoading ? true : undefined}
        tabIndex={0}
        aria-label="Messages"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {!isLoading && messages.length === 0 ? (
          <li className="ncl-chat__empty">{replay ? 'No messages at this point of the stream.' : 'No messages yet. Say hello!'}</li>
        ) : null}
        {messages.map((m) => (
          <li key={m.id} className={`ncl-chat__message${m.userId === props.currentUserId ? ' ncl-chat__message--own' : ''}`}>
            <span className="ncl-chat__meta">
              <strong className="ncl-chat__author">{m.userName}</strong>
              <MessageTime message={m} replay={!!replay} />
              {m.isQuestion ? <span className="ncl-chat__tag">Q</span> : null}
            </span>
            <span className="ncl-chat__content">{m.content}</span>
            {canModerate ? <ModerationMenu message={m} {...props} /> : null}
          </li>
        ))}
      </ol>
      {error && !showQa ? (
        <p className="ncl-error" role="alert">
          {replay
            ? `Cannot load the chat of the replay: ${error.message}`
            : error.code === 'rate_limited' || error.code === 'slow_mode'
              ? `Slow down: try again in ${error.retryAfter ?? 1} s.`
              : error.message}
        </p>
      ) : null}
      {showQa ? null : guestForm ? (
        guestForm
      ) : closedReason ? (
        <p className="ncl-chat__closed">
          {closedReason} {closedAction}
        </p>
      ) : props.onSend ? (
        <form className="ncl-chat__form" onSubmit={submit}>
          <label htmlFor={inputId} className="ncl-visually-hidden">
            Chat message
          </label>
          <input
            id={inputId}
            ref={inputRef}
            value={draft}
            maxLength={MAX}
            placeholder="Send a message"
            autoComplete="off"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="ncl-button ncl-button--primary" disabled={isSending || !draft.trim()}>
            Send
          </button>
        </form>
      ) : null}
    </section>
  );
}

function ModerationMenu({ message, onDelete, onPin, onBan }: { message: StreamChatMessage } & ChatPanelProps) {
  return (
    <details className="ncl-chat__mod">
      <summary aria-label={`Moderate message from ${message.userName}`}>⋯</summary>
      <div className="ncl-chat__mod-menu">
        {onDelete ? (
          <button type="button" onClick={() => onDelete(message.id)}>
            Delete
          </button>
        ) : null}
        {onPin ? (
          <button type="button" onClick={() => onPin(message.id)}>
            Pin
          </button>
        ) : null}
        {onBan ? (
          <>
            <button type="button" onClick={() => onBan(message.userId, 600)}>
              Timeout 10 min
            </button>
            <button type="button" onClick={() => onBan(message.userId)}>
              Ban
            </button>
          </>
        ) : null}
      </div>
    </details>
  );
}
