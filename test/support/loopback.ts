/** Test servers on this computer: listening on a free loopback port, and closed with every socket they hold. */
import type { Server } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface Listening {
  readonly port: number;
  /** Destroys the open sockets (a kept-alive connection would hold `close` for minutes), then closes. */
  close(): Promise<void>;
  /** Tracks a socket the server opened itself (an upstream tunnel), so `close` ends it too. */
  track(socket: Socket): void;
}

export async function listenOnLoopback(server: Server): Promise<Listening> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    track,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
