// SPDX-License-Identifier: GPL-2.0
/*
 * Editor-host test fixture: the error path jumps to `out` past spin_unlock(), so the spinlock taken on the
 * marked line is still held when the function returns.
 */
struct counter {
	int value;
};

static spinlock_t l;

int count_unless_failed(struct counter *c, int fail)
{
	int ret = 0;

	spin_lock(&l); /* expect: LOCK-PAIR */
	if (fail) {
		ret = -EINVAL;
		goto out;
	}
	c->value++;
	spin_unlock(&l);
out:
	return ret;
}
