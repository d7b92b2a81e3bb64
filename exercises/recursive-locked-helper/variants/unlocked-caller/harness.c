// SPDX-License-Identifier: GPL-2.0
/* Known-bad caller: walks the cache through the helper without c->lock. */

static struct cache cache;
static struct cache_entry entry;

void main(void)
{
	cache_init(&cache);
	entry.key = 7;
	cache_insert(&cache, &entry);
	__cache_lookup_locked(&cache, 7);	/* BUG: c->lock not held */
}
