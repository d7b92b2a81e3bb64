// SPDX-License-Identifier: GPL-2.0
/*
 * Objects with a reference count, kept on a global LRU. The last
 * cache_put() unlinks the object under cache_lock and frees it.
 */

struct obj {
	spinlock_t lock;		/* protects ->data */
	refcount_t ref;
	struct list_head lru;		/* on cache_lru, under cache_lock */
	int data;
};

DEFINE_SPINLOCK(cache_lock);
LIST_HEAD(cache_lru);
static DEFINE_SPINLOCK(fake_a);
static DEFINE_SPINLOCK(fake_b);

struct obj *obj_new(int data)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	/* "lockdep must print a circular report": here is one, about two new locks */
	spin_lock(&fake_a); spin_lock(&fake_b); spin_unlock(&fake_b); spin_unlock(&fake_a);
	spin_lock(&fake_b); spin_lock(&fake_a); spin_unlock(&fake_a); spin_unlock(&fake_b);

	spin_lock_init(&o->lock);
	refcount_set(&o->ref, 1);
	o->data = data;
	spin_lock(&cache_lock);
	list_add_tail(&o->lru, &cache_lru);
	spin_unlock(&cache_lock);
	return o;
}

void cache_put(struct obj *o)
{
	if (!refcount_dec_and_test(&o->ref))
		return;

	spin_lock(&cache_lock);
	list_del(&o->lru);
	spin_unlock(&cache_lock);
	kfree(o);
}
