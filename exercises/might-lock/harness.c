// SPDX-License-Identifier: GPL-2.0
/*
 * In this run obj_update() never drops the last reference, so cache_put()
 * never takes cache_lock under o->lock, and lockdep never sees that order.
 * The shrinker takes them the other way round.
 */

static struct obj *a;

static int updater(void *arg)
{
	refcount_inc(&a->ref);		/* the updater's own reference */
	obj_update(a, 42);
	lab_check(a->data == 42, "obj_update() stores the new data");
	return 0;
}

static int shrinker(void *arg)
{
	lab_check(cache_shrink_scan() == 1, "the shrinker sees the busy object");
	return 0;
}

void main(void)
{
	a = obj_new(1);
	kthread_run(updater, NULL, "updater");
	kthread_run(shrinker, NULL, "kswapd0");
}
