/** Shortens free text to the 500 characters a shared NoteSchema field allows. */
export function clipNote(text: string): string {
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}
