// The offline service worker, stamped with the build so that each build replaces the last one's cache.
import type { APIRoute } from 'astro';
import source from '../worker/sw.js?raw';

const BUILD = Date.now().toString(36);

export const GET: APIRoute = () => new Response(source.replace('__BUILD__', BUILD), { headers: { 'content-type': 'text/javascript' } });
