/*
 * AB-BA: two code paths take the same two locks in opposite orders.
 * Run:  npx lockdep-lab run examples/abba.c
 * Lockdep reports a possible circular locking dependency as soon as the second
 * order is seen, although the two paths never overlap in this run: it reasons
 * about lock classes and orders, not about the schedule that happened.
 */
static DEFINE_MUTEX(dev_lock);
static DEFINE_MUTEX(stats_lock);
static int open_count;
static long bytes;

/* The open path: dev_lock, then stats_lock. */
static void dev_open(void)
{
	mutex_lock(&dev_lock);
	mutex_lock(&stats_lock);
	open_count++;
	mutex_unlock(&stats_lock);
	mutex_unlock(&dev_lock);
}

/* The stats path: stats_lock, then dev_lock (the inverted order). */
static int stats_worker(void *data)
{
	mutex_lock(&stats_lock);
	bytes += 4096;
	mutex_lock(&dev_lock);
	open_count--;
	mutex_unlock(&dev_lock);
	mutex_unlock(&stats_lock);
	return 0;
}

void main(void)
{
	lab_set_comm("devd");
	dev_open();
	kthread_run(stats_worker, NULL, "statsd");
}
