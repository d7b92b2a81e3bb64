/*
 * Two threads take the same two locks in opposite orders. They
 * never run at the same time here, so nothing deadlocks, and
 * lockdep reports anyway.
 */
DEFINE_SPINLOCK(lock_a);
DEFINE_SPINLOCK(lock_b);

static int first(void *arg)
{
	spin_lock(&lock_a);
	spin_lock(&lock_b);	/* records lock_a -> lock_b */
	spin_unlock(&lock_b);
	spin_unlock(&lock_a);
	pr_info("first: done, both locks free again\n");
	return 0;
}

static int second(void *arg)
{
	spin_lock(&lock_b);
	spin_lock(&lock_a);	/* lock_b -> lock_a: a cycle */
	spin_unlock(&lock_a);
	spin_unlock(&lock_b);
	return 0;
}

void main(void)
{
	kthread_run(first, NULL, "first");
	kthread_run(second, NULL, "second");
}
