// SPDX-License-Identifier: GPL-2.0
/*
 * A small keyed cache. Entries live on c->entries, protected by c->lock.
 */

struct cache_entry {
	struct list_head node;
	int key;
	int value;
};

struct cache {
	spinlock_t lock;
	struct list_head entries;
	int nr;
};

void cache_init(struct cache *c)
{
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->entries);
	c->nr = 0;
}

struct cache_entry *cache_lookup(struct cache *c, int key)
{
	struct cache_entry *e, *found = NULL;

	spin_lock(&c->lock);
	list_for_each_entry(e, &c->entries, node) {
		if (e->key == key) {
			found = e;
			break;
		}
	}
	spin_unlock(&c->lock);
	return found;
}

struct cache_entry *__cache_lookup_locked(struct cache *c, int key)
{
	struct cache_entry *e;

	lockdep_assert_held(&c->lock);
	list_for_each_entry(e, &c->entries, node)
		if (e->key == key)
			return e;
	return NULL;
}

/* Returns -EEXIST if @key is cached already. */
int cache_insert(struct cache *c, struct cache_entry *new)
{
	if (cache_lookup(c, new->key))
		return -EEXIST;
	spin_lock(&c->lock);
	list_add_tail(&new->node, &c->entries);
	c->nr++;
	spin_unlock(&c->lock);
	return 0;
}
