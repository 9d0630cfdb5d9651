/**
 * What "Show QR code" and "Scan QR code" load on first use: drawing (drawQr.ts) and reading
 * (scanCamera.ts, readQr.ts) QR codes. One entry for both, so their chunk (vite.config.ts, `QR`)
 * needs nothing from another chunk to load.
 */
export { drawQr, type QrDrawing } from './drawQr'
export { readQrPhoto, scanCamera, type ScanFailure, type ScanResult } from './scanCamera'
