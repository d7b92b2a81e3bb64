/*
 * A spinlock_t taken under a raw_spinlock_t. Fine on a normal
 * kernel; on PREEMPT_RT the spinlock_t is a sleeping lock.
 */
DEFINE_RAW_SPINLOCK(hw_lock);
DEFINE_SPINLOCK(event_lock);

static int events;

void main(void)
{
	raw_spin_lock(&hw_lock);
	spin_lock(&event_lock);		/* {3:3} inside {2:2} */
	events++;
	spin_unlock(&event_lock);
	raw_spin_unlock(&hw_lock);
}
