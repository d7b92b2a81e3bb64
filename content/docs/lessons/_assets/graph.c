/*
 * Three locks, three code paths, run one after the other. No
 * path takes all three, yet together they form a cycle: A -> B,
 * B -> C, C -> A.
 */
DEFINE_MUTEX(dev_lock);		/* A */
DEFINE_MUTEX(queue_lock);	/* B */
DEFINE_MUTEX(stats_lock);	/* C */

static void submit(void)
{
	mutex_lock(&dev_lock);
	mutex_lock(&queue_lock);	/* dev_lock -> queue_lock */
	mutex_unlock(&queue_lock);
	mutex_unlock(&dev_lock);
}

static void account(void)
{
	mutex_lock(&queue_lock);
	mutex_lock(&stats_lock);	/* queue_lock -> stats_lock */
	mutex_unlock(&stats_lock);
	mutex_unlock(&queue_lock);
}

static void reset(void)
{
	mutex_lock(&stats_lock);
	mutex_lock(&dev_lock);		/* closes the cycle */
	mutex_unlock(&dev_lock);
	mutex_unlock(&stats_lock);
}

void main(void)
{
	submit();
	submit();	/* same chain again: a cache hit */
	account();
	reset();
}
