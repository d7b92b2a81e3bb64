/*
 * A firmware reload under a spinlock. mutex_lock() may sleep; a
 * task holding a spinlock must not.
 */
DEFINE_SPINLOCK(cfg_lock);
DEFINE_MUTEX(fw_mutex);

static int fw_version;

static void reload_firmware(void)
{
	mutex_lock(&fw_mutex);		/* may sleep */
	fw_version++;
	mutex_unlock(&fw_mutex);
}

void main(void)
{
	spin_lock(&cfg_lock);
	reload_firmware();	/* sleeps in atomic context */
	spin_unlock(&cfg_lock);
	pr_info("fw_version=%d\n", fw_version);
}
