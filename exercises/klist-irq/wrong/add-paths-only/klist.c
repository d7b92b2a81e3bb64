// SPDX-License-Identifier: GPL-2.0-only
/*
 * klist: a list with per-node reference counts, safe to walk while nodes
 * are added and removed (lib/klist.c, trimmed). In 2018 the iterators were
 * made IRQ-safe; the add and remove paths were left alone.
 */

struct klist_node;

struct klist {
	spinlock_t		k_lock;
	struct list_head	k_list;
};

struct klist_node {
	struct klist		*n_klist;
	struct list_head	n_node;
	struct kref		n_ref;
};

struct klist_iter {
	struct klist		*i_klist;
	struct klist_node	*i_cur;
};

/* The last reference is gone; the node's owner frees it. */
static void klist_release(struct kref *kref)
{
}

void klist_init(struct klist *k)
{
	INIT_LIST_HEAD(&k->k_list);
	spin_lock_init(&k->k_lock);
}

static void add_head(struct klist *k, struct klist_node *n)
{
	unsigned long flags;

	spin_lock_irqsave(&k->k_lock, flags);
	list_add(&n->n_node, &k->k_list);
	spin_unlock_irqrestore(&k->k_lock, flags);
}

static void add_tail(struct klist *k, struct klist_node *n)
{
	unsigned long flags;

	spin_lock_irqsave(&k->k_lock, flags);
	list_add_tail(&n->n_node, &k->k_list);
	spin_unlock_irqrestore(&k->k_lock, flags);
}

static void klist_node_init(struct klist *k, struct klist_node *n)
{
	INIT_LIST_HEAD(&n->n_node);
	kref_init(&n->n_ref);
	n->n_klist = k;
}

void klist_add_head(struct klist_node *n, struct klist *k)
{
	klist_node_init(k, n);
	add_head(k, n);
}

void klist_add_tail(struct klist_node *n, struct klist *k)
{
	klist_node_init(k, n);
	add_tail(k, n);
}

/* Drop the list's reference; unlink the node when it was the last one. */
void klist_del(struct klist_node *n)
{
	struct klist *k = n->n_klist;

	spin_lock(&k->k_lock);
	if (kref_put(&n->n_ref, klist_release))
		list_del(&n->n_node);
	spin_unlock(&k->k_lock);
}

void klist_iter_init(struct klist *k, struct klist_iter *i)
{
	i->i_klist = k;
	i->i_cur = NULL;
}

static struct klist_node *to_klist_node(struct list_head *n)
{
	return container_of(n, struct klist_node, n_node);
}

struct klist_node *klist_next(struct klist_iter *i)
{
	struct klist *k = i->i_klist;
	struct klist_node *last = i->i_cur;
	struct klist_node *next;
	unsigned long flags;

	spin_lock_irqsave(&k->k_lock, flags);

	if (last) {
		next = to_klist_node(last->n_node.next);
		kref_put(&last->n_ref, klist_release);
	} else
		next = to_klist_node(k->k_list.next);

	i->i_cur = NULL;
	if (next != to_klist_node(&k->k_list)) {
		kref_get(&next->n_ref);
		i->i_cur = next;
	}

	spin_unlock_irqrestore(&k->k_lock, flags);
	return i->i_cur;
}

void klist_iter_exit(struct klist_iter *i)
{
	struct klist *k = i->i_klist;
	unsigned long flags;

	if (i->i_cur) {
		spin_lock_irqsave(&k->k_lock, flags);
		kref_put(&i->i_cur->n_ref, klist_release);
		spin_unlock_irqrestore(&k->k_lock, flags);
		i->i_cur = NULL;
	}
}
