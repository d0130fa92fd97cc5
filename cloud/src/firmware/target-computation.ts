import type { FirmwareRelease, FirmwareTarget } from '@tokkatot/shared';
import type { ChannelRollout } from './channel-rollouts.js';
import type { FarmFirmwareSettings } from './farm-firmware-settings.js';
import { releaseKey } from './release-catalogue.js';
import { isInStage } from './rollout-stage.js';

/** The part of a farm's `firmware_targets` document the cloud decides (the rest is id, farm and stamps). */
export type TargetBody = Pick<FirmwareTarget, 'channel' | 'release' | 'window' | 'paused'>;

export interface TargetInputs {
  farmId: string;
  settings: FarmFirmwareSettings;
  /** The rollout of the farm's channel, if the platform has set one. */
  rollout: ChannelRollout | undefined;
  /** Every release by `releaseKey`. */
  catalogue: ReadonlyMap<string, FirmwareRelease>;
  /** The release the farm's current document names (null or absent: none yet). */
  previous: FirmwareRelease | null | undefined;
}

/**
 * A farm's target: the rollout's release when the farm is in its stage, otherwise the release it
 * was already given (so lowering a percentage or changing a farm's channel never takes an update
 * back; moving farms back is a new rollout of the older release). The release is always the
 * catalogue's copy, so a promotion or new notes reach the edge too. A release whose minimum
 * hardware revision no node of the farm meets is still the target: the edge skips such nodes.
 */
export function computeTarget(inputs: TargetInputs): TargetBody {
  const { farmId, settings, rollout, catalogue, previous } = inputs;
  const rolledOut = rollout ? catalogue.get(releaseKey(rollout)) : undefined;
  let release: FirmwareRelease | null = null;
  if (rollout && rolledOut && isInStage(farmId, rollout.version, rollout.percent)) release = rolledOut;
  else if (previous) release = catalogue.get(releaseKey(previous)) ?? previous;
  return { channel: settings.channel, release, window: settings.window, paused: settings.paused };
}
