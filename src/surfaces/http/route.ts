import type { ServerResponse } from 'node:http';

/** A GET handler for one path. */
export type Route = (res: ServerResponse, query: URLSearchParams) => Promise<void>;
