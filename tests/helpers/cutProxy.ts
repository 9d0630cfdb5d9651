/**
 * A TCP proxy on 127.0.0.1 in front of the relay whose link can be cut without either end
 * noticing, as a Wi-Fi that lost its uplink: while cut nothing crosses in either direction, no
 * reset and no close reach anyone, and a new connection is accepted but gets no further. Restored,
 * what waited crosses in order, as TCP's retransmissions would deliver it. Counts the bytes
 * crossing each way (WebSocket frames and HTTP, not TCP/IP headers).
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

export class CutProxy {
  /** app → relay, relay → app, in bytes. */
  up = 0
  down = 0
  /** Connections the app opened through the proxy. */
  connections = 0
  private isCut = false
  private readonly sockets = new Set<Socket>()
  private readonly held: (() => void)[] = []

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { readonly port: number }): Promise<CutProxy> {
    const server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const address = server.address()
    if (!address || typeof address === 'string') throw new Error('proxy: no port')
    const proxy = new CutProxy(server, address.port)
    server.on('connection', (app) => proxy.accept(app, target.port))
    return proxy
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/sync`
  }

  /** From now on nothing crosses, and nobody is told. */
  cut(): void {
    this.isCut = true
    for (const s of this.sockets) s.pause()
  }

  /** What waited crosses, and the link carries again. */
  restore(): void {
    this.isCut = false
    for (const s of this.sockets) s.resume()
    for (const go of this.held.splice(0)) go()
  }

  private accept(app: Socket, port: number): void {
    this.connections++
    this.sockets.add(app)
    app.pause()
    const drop = (): void => {
      app.destroy()
      this.sockets.delete(app)
    }
    app.on('close', drop).on('error', drop)
    const go = (): void => {
      if (app.destroyed) return
      const relay = connect(port, '127.0.0.1')
      this.sockets.add(relay)
      app.on('data', (chunk: Buffer) => {
        this.up += chunk.length
        relay.write(chunk)
      })
      relay.on('data', (chunk: Buffer) => {
        this.down += chunk.length
        app.write(chunk)
      })
      const end = (): void => {
        app.destroy()
        relay.destroy()
        this.sockets.delete(relay)
      }
      relay.on('close', end).on('error', end)
      app.on('close', end)
      app.resume()
    }
    // a connection made during the cut gets no further than the app's side of it
    if (this.isCut) this.held.push(go)
    else go()
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => this.server.close(() => r()))
  }
}
