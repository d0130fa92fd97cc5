import { useEffect, useState } from 'preact/hooks';
import { api } from '../state.js';
import { anyPending, latestByTarget, type CommandView, type NewCommand } from './command-logic.js';

const POLL_MS = 2000;

export interface FarmCommands {
  /** The newest command of each output, as last listed. */
  latest: Map<string, CommandView>;
  /** Queues a command for the farm's edge; throws the API's refusal. */
  send(command: NewCommand): Promise<void>;
}

/**
 * A farm's recent remote commands while the coop page is open: listed once, then asked again
 * every two seconds while one of them waits for the farm (its result arrives as an event from
 * the edge, or the clock expires it), and right after each one sent.
 */
export function useFarmCommands(farmId: string, enabled: boolean): FarmCommands {
  const [commands, setCommands] = useState<CommandView[]>([]);
  const [asked, setAsked] = useState(0);
  const path = `/v1/farms/${encodeURIComponent(farmId)}/commands`;
  useEffect(() => {
    if (!enabled) return undefined;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const list = await api.get<CommandView[]>(`${path}?limit=50`);
        if (!current) return;
        setCommands(list);
        if (anyPending(list)) timer = setTimeout(() => void load(), POLL_MS);
      } catch {
        // Unreachable or refused: the next send or visit asks again.
      }
    };
    void load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [farmId, enabled, asked]);
  return {
    latest: latestByTarget(commands),
    async send(command) {
      await api.post(path, command);
      setAsked((n) => n + 1);
    },
  };
}
