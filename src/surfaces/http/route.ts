import type { IncomingMessage, ServerResponse } from 'node:http';

/** A GET handler for one path. */
export type Route = (res: ServerResponse, query: URLSearchParams) => Promise<void>;

/** A POST handler for one path: it reads its own body. */
export type PostRoute = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => Promise<void>;
