export const DEFAULT_REACTIONS = ['❤️', '😂', '🔥', '👏', '😮', '🎉'];

export interface ReactionBarProps {
  emojis?: string[];
  disabled?: boolean;
  onReact: (emoji: string) => void;
}

export function ReactionBar({ emojis = DEFAULT_REACTIONS, disabled, onReact }: ReactionBarProps) {
  return (
    <div className="ncl-reaction-bar" role="group" aria-label="Reactions">
      {emojis.map((e) => (
        <button
          key={e}
          type="button"
          className="ncl-reaction-button"
          aria-label={`React ${e}`}
          disabled={disabled}
          onClick={() => onReact(e)}
        >
          {e}
        </button>
      ))}
    </div>
  );
}
