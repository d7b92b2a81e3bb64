// SPDX-License-Identifier: GPL-2.0
/* Users of the cache: an update path and the shrinker. */

extern spinlock_t cache_lock;
extern struct list_head cache_lru;

/* Replace @o's data; drops the caller's reference with o->lock held. */
void obj_update(struct obj *o, int data)
{
	spin_lock(&o->lock);
	o->data = data;
	cache_put(o);		/* usually not the last reference... */
	spin_unlock(&o->lock);
}

/* The shrinker walks the LRU under cache_lock and looks into each object. */
int cache_shrink_scan(void)
{
	struct obj *o;
	int busy = 0;

	spin_lock(&cache_lock);
	list_for_each_entry(o, &cache_lru, lru) {
		spin_lock(&o->lock);
		if (o->data)
			busy++;
		spin_unlock(&o->lock);
	}
	spin_unlock(&cache_lock);
	return busy;
}
