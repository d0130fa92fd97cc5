/** An in-app link's click handler: client-side navigation unless the person asked for a new tab. */
export function link(navigate: (path: string) => void) {
  return (event: MouseEvent) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate((event.currentTarget as HTMLAnchorElement).getAttribute('href') ?? '/');
  };
}
