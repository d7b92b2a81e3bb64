/*
 * Two different buckets, one init call site: one lock class.
 * Locking both is "possible recursive locking" until the inner
 * acquisition says it is a different nesting level.
 */
struct bucket {
	spinlock_t lock;
	int count;
};

static struct bucket src_bucket, dst_bucket;

static void bucket_init(struct bucket *b)
{
	/* every bucket's lock is one class: &b->lock */
	spin_lock_init(&b->lock);
	b->count = 0;
}

static void move_one(struct bucket *from, struct bucket *to)
{
	spin_lock(&from->lock);
	/* try: spin_lock_nested(&to->lock, SINGLE_DEPTH_NESTING) */
	spin_lock(&to->lock);
	from->count--;
	to->count++;
	spin_unlock(&to->lock);
	spin_unlock(&from->lock);
}

void main(void)
{
	bucket_init(&src_bucket);
	bucket_init(&dst_bucket);
	src_bucket.count = 1;
	move_one(&src_bucket, &dst_bucket);
	pr_info("moved: src=%d dst=%d\n",
		src_bucket.count, dst_bucket.count);
}
