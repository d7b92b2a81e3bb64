// SPDX-License-Identifier: GPL-2.0
/* Two threads fill the cache; the second inserts a duplicate key. */

static struct cache cache;
static struct cache_entry entries[3];

static int filler(void *arg)
{
	entries[0].key = 1;
	entries[1].key = 2;
	lab_check(cache_insert(&cache, &entries[0]) == 0, "inserting key 1 succeeds");
	lab_check(cache_insert(&cache, &entries[1]) == 0, "inserting key 2 succeeds");
	return 0;
}

static int duplicator(void *arg)
{
	int nr;

	entries[2].key = 2;
	lab_check(cache_insert(&cache, &entries[2]) == -EEXIST, "inserting key 2 again returns -EEXIST");
	lab_check(cache_lookup(&cache, 1) == &entries[0], "cache_lookup() finds key 1");
	lab_check(cache_lookup(&cache, 3) == NULL, "cache_lookup() misses key 3");
	spin_lock(&cache.lock);		/* cache.nr is the cache lock's to guard */
	nr = cache.nr;
	spin_unlock(&cache.lock);
	lab_check(nr == 2, "the cache holds two entries");
	return 0;
}

void main(void)
{
	cache_init(&cache);
	kthread_run(filler, NULL, "filler");
	kthread_run(duplicator, NULL, "duplicator");
}
