/**
 * Settings → "Devices" and "New invite code" (docs/protocol.md, "Devices and invites"), as
 * SettingsScreen uses them:
 *
 * - relayDevices.ts: the relay's list of the partnership's devices (`useRelayDevices`, kept on
 *   this device for offline), the request that proves this device, `isInviteReplaced`;
 * - DevicesSection.tsx: the list (document joined with relay), with DeviceItem.tsx (one device,
 *   "Remove this device" and its confirm step) and DeviceNameField.tsx (this device's name);
 * - NewInviteSection.tsx: a new invite code, and `InviteReplaced` for a code replaced elsewhere.
 *
 * The list is fetched again when the app comes back to the foreground or online.
 */
export { isInviteReplaced, useRelayDevices, type RelayDevicesState } from './relayDevices'
export { DevicesSection } from './DevicesSection'
export { InviteReplaced, NewInviteSection } from './NewInviteSection'
