/**
 * The wire format shared by the app and the relay: invite codes, the room proof (token), the
 * WebSocket subprotocols that carry it, message types and close codes. `docs/protocol.md`
 * describes the same thing for other programs; change both together.
 *
 * Pure functions over bytes: runs in the browser, in Node and in the relay. Uses lib0's SHA-256
 * rather than WebCrypto because `crypto.subtle` is missing outside secure contexts (a relay
 * reached over plain http on a school's LAN).
 */
import { digest as sha256 } from 'lib0/hash/sha256'
import * as encoding from 'lib0/encoding'
import { POSITION_PREFIX, positionSubprotocol, readPositionSubprotocol, type RelayPosition } from './wireAck'

export * from './wireAck'
export * from './wireJoin'

export const PROTOCOL_VERSION = 1

/** The subprotocol the relay selects; a client must offer it. */
export const SUBPROTOCOL = 'scholenband.v1'
/** Offered by clients that understand the relay's acknowledgement message. */
export const SUBPROTOCOL_ACK = 'sb.ack'
/** Offered by clients that send heartbeats and understand the relay's notice of a large message. */
export const SUBPROTOCOL_HEARTBEAT = 'sb.hb'
/** Prefix of the subprotocol carrying the room proof: `sb.auth.<intent>.<token>`. */
export const AUTH_PREFIX = 'sb.auth.'

/** `create`: the creator's device may register a room the relay does not know yet. `join`: never. */
export type Intent = 'create' | 'join'

export const ROOM_ID_BYTES = 16
export const SECRET_BYTES = 16

/** y-protocols message types, as the stock y-websocket provider uses them … */
export const MESSAGE_SYNC = 0
export const MESSAGE_AWARENESS = 1
export const MESSAGE_AUTH = 2
export const MESSAGE_QUERY_AWARENESS = 3
/** … and the relay's acknowledgement, MESSAGE_RELAY_ACK = 100 (wireAck.ts), then: */
/**
 * A heartbeat: varUint n. The client sends n ≥ 1 when its socket has been quiet; the relay sends
 * the same bytes back at once. The relay's n = 0, right after the upgrade, says it answers them.
 */
export const MESSAGE_HEARTBEAT = 101
/** From the relay, just before a message of LARGE_MESSAGE_BYTES or more: varUint its length in bytes. */
export const MESSAGE_LARGE_NEXT = 102
/** From this size on, a message may take longer than a heartbeat's answer on a slow link. */
export const LARGE_MESSAGE_BYTES = 16 * 1024

/**
 * Close codes. 4400–4499 are final (the stock client stops reconnecting); 4500–4599 transient.
 */
export const CLOSE = {
  /** Malformed room id, subprotocol or token. */
  badRequest: 4400,
  /** The room exists and the proof does not match its verifier. */
  proofRefused: 4403,
  /** `join` to a room the relay has never seen. */
  unknownRoom: 4404,
  /** A message larger than the relay accepts (sent by the WebSocket layer itself). */
  tooLarge: 1009,
  /**
   * The update would take the room beyond the relay's size limit (`MAX_ROOM_BYTES`): not stored,
   * not forwarded. Final: sending it again would be refused again.
   */
  roomFull: 4413,
  /** The room holds as many device records as the relay allows (`MAX_DEVICES_PER_ROOM`); a new device cannot register. */
  tooManyDevices: 4429,
  /** Too many messages before the room loaded; try again later. */
  busy: 4529,
  /** A frame that is not a valid message. */
  malformed: 4422,
  /** The room could not be loaded or stored; try again later. Never an empty document. */
  unavailable: 4503,
  /** The relay is restarting. */
  restarting: 1012,
} as const

export type CloseReason = keyof typeof CLOSE

/** Close reasons (the text after a close code) that a client tells apart. */
export const CLOSE_REASON = {
  /** With 4403: this device was removed from the partnership; final, whatever the invite. */
  removed: 'removed',
  /** With 4403, to an anonymous (invite-only) socket: the invite was replaced. */
  inviteChanged: 'invite changed',
  /** With 4529 (transient): the partnership registered its hourly allowance of new devices; this one may join later. */
  tooManyNewDevices: 'too many new devices',
} as const

// Crockford base32: no I, L, O, U; case-insensitive; safe in chats and read aloud.
const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export function toBase32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31]!
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31]!
  return out
}

/** Decodes Crockford base32 to exactly `length` bytes; undefined on any invalid character. */
export function fromBase32(text: string, length: number): Uint8Array | undefined {
  if (text.length !== Math.ceil((length * 8) / 5)) return undefined
  const out = new Uint8Array(length)
  let bits = 0
  let value = 0
  let i = 0
  for (const ch of text) {
    const norm = ch === 'O' ? '0' : ch === 'I' || ch === 'L' ? '1' : ch
    const v = B32.indexOf(norm)
    if (v < 0) return undefined
    value = (value << 5) | v
    bits += 5
    if (bits >= 8) {
      if (i >= length) return undefined
      out[i++] = (value >>> (bits - 8)) & 255
      bits -= 8
    }
    value &= (1 << bits) - 1
  }
  // the unused low bits of the last character must be zero, or a typo there would go unseen
  return i === length && value === 0 ? out : undefined
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const utf8 = new TextEncoder()

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** A room id as it travels: 26 lowercase base32 characters. */
export const ROOM_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/

export function isRoomId(value: string): boolean {
  // the pattern, and zero padding bits: one room has exactly one spelling
  return ROOM_ID_PATTERN.test(value) && fromBase32(value.toUpperCase(), ROOM_ID_BYTES) !== undefined
}

export interface Invite {
  /** 26 lowercase base32 characters (128 bits). */
  readonly roomId: string
  /** 16 random bytes. Never sent to the relay. */
  readonly secret: Uint8Array
}

export function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n)
  globalThis.crypto.getRandomValues(b)
  return b
}

export function newInvite(): Invite {
  return { roomId: toBase32(randomBytes(ROOM_ID_BYTES)).toLowerCase(), secret: randomBytes(SECRET_BYTES) }
}

const CODE_PREFIX = 'SB1'
const CHECK_BYTES = 2

/**
 * The invite code: `SB1-` then base32 of roomId ‖ secret ‖ 2 checksum bytes (the first bytes of
 * SHA-256 of the 32 bytes before them), in groups of five separated by dashes.
 */
export function formatInviteCode(invite: Invite): string {
  const room = fromBase32(invite.roomId.toUpperCase(), ROOM_ID_BYTES)
  if (!room) throw new Error('invalid room id')
  const payload = concat(room, invite.secret)
  const body = toBase32(concat(payload, sha256(payload).slice(0, CHECK_BYTES)))
  const groups = body.match(/.{1,5}/g) ?? []
  return [CODE_PREFIX, ...groups].join('-')
}

export type InviteParseError = 'empty' | 'notAnInvite' | 'mistyped'

/**
 * Reads an invite code as a person pastes it: any case, spaces or line breaks anywhere, with or
 * without the invite link around it. A wrong character or a missing piece is `mistyped`.
 */
export function parseInviteCode(input: string): { ok: true; invite: Invite } | { ok: false; error: InviteParseError } {
  let text = input.trim()
  if (!text) return { ok: false, error: 'empty' }
  const hashAt = text.indexOf('#')
  if (hashAt >= 0) text = text.slice(hashAt + 1).replace(/^join=/, '')
  text = text.replace(/[\s\-–—.]/g, '').toUpperCase()
  if (!text.startsWith(CODE_PREFIX)) return { ok: false, error: 'notAnInvite' }
  const bytes = fromBase32(text.slice(CODE_PREFIX.length), ROOM_ID_BYTES + SECRET_BYTES + CHECK_BYTES)
  if (!bytes) return { ok: false, error: 'mistyped' }
  const payload = bytes.slice(0, ROOM_ID_BYTES + SECRET_BYTES)
  const check = sha256(payload).slice(0, CHECK_BYTES)
  if (check[0] !== bytes[ROOM_ID_BYTES + SECRET_BYTES] || check[1] !== bytes[ROOM_ID_BYTES + SECRET_BYTES + 1]) {
    return { ok: false, error: 'mistyped' }
  }
  return {
    ok: true,
    invite: { roomId: toBase32(payload.slice(0, ROOM_ID_BYTES)).toLowerCase(), secret: payload.slice(ROOM_ID_BYTES) },
  }
}

/** The invite link: the code travels in the fragment, which browsers never send to a server. */
export function inviteLink(origin: string, invite: Invite): string {
  return `${origin.replace(/\/+$/, '')}/#join=${formatInviteCode(invite)}`
}

/** The room proof a client sends: base64url(SHA-256("scholenband-token-v1:" ‖ roomId ‖ ":" ‖ secret)). */
export function deriveToken(invite: Invite): string {
  return toBase64Url(sha256(concat(utf8.encode(`scholenband-token-v1:${invite.roomId}:`), invite.secret)))
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

/** What the relay stores: base64url(SHA-256("scholenband-verifier-v1:" ‖ token)). Not the secret, not the token. */
export function deriveVerifier(token: string): string {
  return toBase64Url(sha256(utf8.encode(`scholenband-verifier-v1:${token}`)))
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** Prefix of the subprotocol carrying a device's own proof: `sb.dev.<deviceId>.<deviceToken>`. */
export const DEVICE_PREFIX = 'sb.dev.'
/** A device id as it travels: 8–64 characters of base64url (the app's ids are 16). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/
export const DEVICE_KEY_BYTES = 32

/**
 * A device's own credential in one room: its id and a random key made on the device, which never
 * leaves it. The relay registers the device on its first connection with the invite and from then
 * on accepts the device by this credential alone, so the device keeps working after the invite
 * changes, and can be removed on its own.
 */
export interface DeviceCredential {
  readonly deviceId: string
  /** DEVICE_KEY_BYTES random bytes. Never sent. */
  readonly key: Uint8Array
}

export function newDeviceKey(): Uint8Array {
  return randomBytes(DEVICE_KEY_BYTES)
}

/**
 * The device's proof: base64url(SHA-256("scholenband-device-v1:" ‖ roomId ‖ ":" ‖ deviceId ‖ ":" ‖ key)).
 * The relay stores only `deriveVerifier(deviceToken)`.
 */
export function deriveDeviceToken(roomId: string, device: DeviceCredential): string {
  return toBase64Url(sha256(concat(utf8.encode(`scholenband-device-v1:${roomId}:${device.deviceId}:`), device.key)))
}

/** `position`: the relay position this device can resume from (wireAck.ts), when it has one. */
export function clientSubprotocols(invite: Invite, intent: Intent, device?: DeviceCredential, position?: RelayPosition): string[] {
  return [
    SUBPROTOCOL,
    `${AUTH_PREFIX}${intent}.${deriveToken(invite)}`,
    ...(device ? [`${DEVICE_PREFIX}${device.deviceId}.${deriveDeviceToken(invite.roomId, device)}`] : []),
    SUBPROTOCOL_ACK,
    SUBPROTOCOL_HEARTBEAT,
    ...(position ? [positionSubprotocol(position)] : []),
  ]
}

/** `Authorization` for the relay's HTTP endpoints: the device's proof when it has one, else the invite's. */
export function authorizationHeader(invite: Invite, device?: DeviceCredential): string {
  return device
    ? `Device ${device.deviceId}.${deriveDeviceToken(invite.roomId, device)}`
    : `Bearer ${deriveToken(invite)}`
}

export interface OfferedDeviceProof {
  readonly deviceId: string
  readonly token: string
}

/** Reads `Device <deviceId>.<deviceToken>` (an HTTP Authorization value or the part after `sb.dev.`). */
export function readDeviceProof(value: string): OfferedDeviceProof | undefined {
  const dot = value.lastIndexOf('.')
  if (dot < 0) return undefined
  const deviceId = value.slice(0, dot)
  const token = value.slice(dot + 1)
  return DEVICE_ID_PATTERN.test(deviceId) && TOKEN_PATTERN.test(token) ? { deviceId, token } : undefined
}

export interface OfferedProof {
  readonly intent: Intent
  readonly token: string
  readonly wantsAck: boolean
  /** The client offered `sb.hb`: announce heartbeats and send notices of large messages. */
  readonly wantsHeartbeat: boolean
  /** The device's own proof, when the client sent one (`sb.dev.…`). */
  readonly device?: OfferedDeviceProof
  /** The relay position the client offers to resume from (`sb.at.…`); a malformed one is left out. */
  readonly position?: RelayPosition
}

/** Reads the subprotocols a client offered. Undefined when the proof is missing or malformed. */
export function readOfferedProof(protocols: Iterable<string>): OfferedProof | undefined {
  let proof: { intent: Intent; token: string } | undefined
  let hasBase = false
  let wantsAck = false
  let wantsHeartbeat = false
  let device: OfferedDeviceProof | undefined
  let position: RelayPosition | undefined
  for (const p of protocols) {
    if (p === SUBPROTOCOL) hasBase = true
    // a position only saves bytes: one that cannot be read is ignored, never a refusal
    else if (p.startsWith(POSITION_PREFIX)) position = readPositionSubprotocol(p) ?? position
    else if (p === SUBPROTOCOL_ACK) wantsAck = true
    else if (p === SUBPROTOCOL_HEARTBEAT) wantsHeartbeat = true
    else if (p.startsWith(DEVICE_PREFIX)) {
      device = readDeviceProof(p.slice(DEVICE_PREFIX.length))
      // a device proof that cannot be read is refused, not quietly taken as no device at all
      if (!device) return undefined
    }
    else if (p.startsWith(AUTH_PREFIX)) {
      const rest = p.slice(AUTH_PREFIX.length)
      const dot = rest.indexOf('.')
      const intent = rest.slice(0, dot)
      const token = rest.slice(dot + 1)
      if ((intent === 'create' || intent === 'join') && TOKEN_PATTERN.test(token)) proof = { intent, token }
    }
  }
  return hasBase && proof ? { ...proof, wantsAck, wantsHeartbeat, ...(device ? { device } : {}), ...(position ? { position } : {}) } : undefined
}

/** A heartbeat numbered `n` (0: the relay's announcement). */
export function encodeHeartbeat(n: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_HEARTBEAT)
  encoding.writeVarUint(e, n)
  return encoding.toUint8Array(e)
}

/** The notice the relay sends just before a message of `bytes` bytes. */
export function encodeLargeNext(bytes: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_LARGE_NEXT)
  encoding.writeVarUint(e, bytes)
  return encoding.toUint8Array(e)
}

/** Whether a message is exactly a heartbeat: the type, one varUint of at most 4 bytes, nothing after. */
export function isHeartbeat(message: Uint8Array): boolean {
  if (message.byteLength < 2 || message.byteLength > 5 || message[0] !== MESSAGE_HEARTBEAT) return false
  for (let i = 1; i < message.byteLength - 1; i++) if (message[i]! < 0x80) return false
  return message[message.byteLength - 1]! < 0x80
}
