// SPDX-License-Identifier: (MIT OR GPL-2.0-only)
/*
 * Peregrine's CO-RE capture driver: exit-only syscall capture.
 *
 * A tp_btf/sys_exit dispatcher checks the syscall id against the "interesting" array (filled by user space) and
 * tail-calls the program registered for it in the prog array. Each program builds one event in a per-CPU scratch
 * buffer in Falco's wire layout (26-byte header, u16 parameter lengths, parameter values) and copies it into the
 * ring buffer of the current CPU (an array of ring buffers, one per CPU, created by user space). An event that
 * does not fit its ring is counted in the per-CPU drop counter.
 *
 * Implementation notes: offsets into the scratch buffer are masked with SCRATCH_MASK and every variable-length
 * read is bounded by SNAPLEN, so the verifier can prove each write stays inside the 2 * SCRATCH_HALF buffer
 * without tracking the exact event length.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* GPL-compatible for the kernel (helpers such as bpf_probe_read_* need it), MIT for the project. */
char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Bytes kept of a variable-length parameter (path, args, sockaddr payload): Falco's snaplen for strings. */
#define SNAPLEN 1024
/* Half of the scratch buffer; events are at most this long, masked offsets stay below it. */
#define SCRATCH_HALF 16384
#define SCRATCH_MASK (SCRATCH_HALF - 1)
#define HEADER_BYTES 26
#define MAX_SYSCALLS 512
#define MAX_CPUS 256

/* Falco event codes (dev.peregrine.event.EventTable). */
#define PPME_SYSCALL_CLOSE_X 5
#define PPME_SOCKET_CONNECT_X 23
#define PPME_PROCEXIT_1_E 186
#define PPME_SYSCALL_CLONE_20_X 223
#define PPME_SYSCALL_FORK_20_X 225
#define PPME_SYSCALL_VFORK_20_X 227
#define PPME_SYSCALL_EXECVE_19_X 293
#define PPME_SYSCALL_OPENAT_2_X 307
#define PPME_SYSCALL_CLONE3_X 335

/* x86_64 syscall numbers the dispatcher's tail calls are keyed by. */
#define NR_close 3
#define NR_connect 42
#define NR_clone 56
#define NR_fork 57
#define NR_vfork 58
#define NR_execve 59
#define NR_openat 257
#define NR_clone3 435

#define PPM_AF_UNIX 1
#define PPM_AF_INET 2
#define PPM_AF_INET6 10

struct scratch {
	__u8 data[2 * SCRATCH_HALF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* 1 when user space wants the syscall delivered. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u32);
} interesting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u32);
} syscall_progs SEC(".maps");

/*
 * Events lost, per CPU: key DROP_ALL counts every loss (what LiveSource.drops() reports), the other keys the loss
 * by reason (LiveSource.DropReason, same order).
 */
#define DROP_ALL 0
#define DROP_RING_FULL 1      /* bpf_ringbuf_output refused: the CPU's ring had no room */
#define DROP_TOO_LARGE 2      /* the event outgrew the scratch buffer, or the CPU has no ring */
#define DROP_KEYS 3

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_KEYS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* The same drops by event code (the record's type), per CPU: user space maps codes to Falco's drop categories. */
#define DROP_TYPES 512
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_TYPES);
	__type(key, __u32);
	__type(value, __u64);
} drops_by_type SEC(".maps");

struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, MAX_CPUS);
	__type(key, __u32);
	__array(values, struct ring);
} rings SEC(".maps");

/*
 * Settings user space writes once after load (the ".bss" map, one value holding this struct): read as plain
 * globals, with no map lookup per event.
 */
struct settings {
	/* Nanoseconds to add to the boot clock to get the epoch clock. */
	__u64 boot_to_epoch_ns;
	/* Bytes of unread data in a ring past which a record wakes the reader (half a ring); 0 = never. */
	__u64 wake_threshold;
};
struct settings settings;

/* Bytes of the path being assembled right to left, and the deepest walk from a dentry to the root. */
#define PATH_BUF 4096
#define PATH_MAX_DEPTH 16
/* The deepest walk for an executable's path: with the cwd walk in the same program, 16 exceeds the verifier's budget (E2BIG on 6.18). */
#define EXE_PATH_MAX_DEPTH 12

struct path_scratch {
	char data[2 * PATH_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} path_map SEC(".maps");

struct builder {
	__u8 *buf;
	__u32 off;
	__u32 idx;
	void *ring; /* begin_fixed only: the ring holding the reserved record */
	__u32 len;  /* begin_fixed only: the reserved length */
};

static __always_inline int begin(struct builder *b, __u16 type, __u32 nparams, __u64 tid)
{
	__u32 zero = 0;
	b->buf = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!b->buf)
		return 0;
	*(__u64 *)&b->buf[0] = bpf_ktime_get_boot_ns() + settings.boot_to_epoch_ns;
	*(__u64 *)&b->buf[8] = tid;
	*(__u16 *)&b->buf[20] = type;
	*(__u32 *)&b->buf[22] = nparams;
	b->off = HEADER_BYTES + nparams * 2;
	b->idx = 0;
	return 1;
}

static __always_inline void put_len(struct builder *b, __u32 len)
{
	*(__u16 *)&b->buf[(HEADER_BYTES + b->idx * 2) & SCRATCH_MASK] = (__u16)len;
	b->idx++;
	b->off += len;
}

static __always_inline void p_u64(struct builder *b, __u64 v)
{
	*(__u64 *)&b->buf[b->off & SCRATCH_MASK] = v;
	put_len(b, 8);
}

static __always_inline void p_u32(struct builder *b, __u32 v)
{
	*(__u32 *)&b->buf[b->off & SCRATCH_MASK] = v;
	put_len(b, 4);
}

static __always_inline void p_u8(struct builder *b, __u8 v)
{
	b->buf[b->off & SCRATCH_MASK] = v;
	put_len(b, 1);
}

static __always_inline void p_empty(struct builder *b)
{
	put_len(b, 0);
}

static __always_inline long p_user_str(struct builder *b, const void *src)
{
	long n = bpf_probe_read_user_str(&b->buf[b->off & SCRATCH_MASK], SNAPLEN, src);
	if (n <= 0) {
		b->buf[b->off & SCRATCH_MASK] = 0;
		n = 1;
	}
	put_len(b, n);
	return n;
}

static __always_inline void p_kernel_str(struct builder *b, const void *src)
{
	long n = bpf_probe_read_kernel_str(&b->buf[b->off & SCRATCH_MASK], SNAPLEN, src);
	if (n <= 0) {
		b->buf[b->off & SCRATCH_MASK] = 0;
		n = 1;
	}
	put_len(b, n);
}

/* A NUL-separated user buffer (argv or envp area) of at most SNAPLEN bytes. */
static __always_inline void p_user_area(struct builder *b, unsigned long start, unsigned long end)
{
	unsigned long len = end > start ? end - start : 0;
	if (len > SNAPLEN)
		len = SNAPLEN;
	len &= (SNAPLEN * 2 - 1);
	if (len == 0 || bpf_probe_read_user(&b->buf[b->off & SCRATCH_MASK], len & (SNAPLEN - 1 + SNAPLEN), (void *)start) < 0)
		len = 0;
	put_len(b, len);
}

/* Counts a dropped event: in total, per reason, and per event type (for Falco's drop categories). */
static __always_inline void count_drop(__u32 reason, __u16 event_type)
{
	__u32 all = DROP_ALL;
	__u64 *d = bpf_map_lookup_elem(&drops, &all);
	if (d)
		*d += 1;
	d = bpf_map_lookup_elem(&drops, &reason);
	if (d)
		*d += 1;
	__u32 type = event_type & (DROP_TYPES - 1);
	d = bpf_map_lookup_elem(&drops_by_type, &type);
	if (d)
		*d += 1;
}

static __always_inline void submit(struct builder *b)
{
	__u32 len = b->off;
	*(__u32 *)&b->buf[16] = len;
	__u32 cpu = bpf_get_smp_processor_id();
	void *ring = bpf_map_lookup_elem(&rings, &cpu);
	if (len > SCRATCH_HALF || !ring) {
		count_drop(DROP_TOO_LARGE, *(__u16 *)&b->buf[20]);
		return;
	}
	/* No wake-up per record (it costs an irq_work each time the reader has caught up); the reader polls with a
	 * short backoff, and is woken early only when the ring is more than half full (one query helper call). */
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (settings.wake_threshold && bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) > settings.wake_threshold)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(ring, b->buf, len & SCRATCH_MASK, flags) != 0)
		count_drop(DROP_RING_FULL, *(__u16 *)&b->buf[20]);
}

/*
 * Events whose size is known at compile time (scalar parameters only) skip the scratch buffer: the record is
 * reserved in the CPU's ring, written in place and committed, where submit() builds in scratch and copies with
 * bpf_ringbuf_output (which reserves, copies and commits itself). That saves the scratch lookup and the copy, and
 * the ring lock is taken for the reservation only. `len` must be a constant (the verifier requires a constant size
 * of bpf_ringbuf_reserve) and equal to what the caller writes: HEADER_BYTES, 2 bytes per parameter, the values.
 * Offsets stay constants after inlining, so every write is checked against the reserved size. The timestamp is
 * taken after the reservation, so a ring's records are in timestamp order as far as this CPU is concerned.
 */
static __always_inline int begin_fixed(struct builder *b, __u16 type, __u32 nparams, __u64 tid, __u32 len)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void *ring = bpf_map_lookup_elem(&rings, &cpu);
	if (!ring) {
		count_drop(DROP_TOO_LARGE, type);
		return 0;
	}
	b->buf = bpf_ringbuf_reserve(ring, len, 0);
	if (!b->buf) {
		count_drop(DROP_RING_FULL, type);
		return 0;
	}
	b->ring = ring;
	b->len = len;
	*(__u64 *)&b->buf[0] = bpf_ktime_get_boot_ns() + settings.boot_to_epoch_ns;
	*(__u64 *)&b->buf[8] = tid;
	*(__u32 *)&b->buf[16] = len;
	*(__u16 *)&b->buf[20] = type;
	*(__u32 *)&b->buf[22] = nparams;
	b->off = HEADER_BYTES + nparams * 2;
	b->idx = 0;
	return 1;
}

/* Bytes of a fixed-size event with nparams parameters whose values take value_bytes. */
#define FIXED_LEN(nparams, value_bytes) (HEADER_BYTES + 2 * (nparams) + (value_bytes))

/*
 * Commits a record begun with begin_fixed, with submit()'s wake-up policy. A record whose parameters do not fill
 * the reserved length exactly is a driver bug: it is discarded and counted as too large, so tests see it (with
 * constant offsets the compiler removes the check).
 */
static __always_inline void submit_fixed(struct builder *b)
{
	if (b->off != b->len) {
		bpf_ringbuf_discard(b->buf, BPF_RB_NO_WAKEUP);
		count_drop(DROP_TOO_LARGE, *(__u16 *)&b->buf[20]);
		return;
	}
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (settings.wake_threshold && bpf_ringbuf_query(b->ring, BPF_RB_AVAIL_DATA) > settings.wake_threshold)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(b->buf, flags);
}

static __always_inline __u64 current_tid(void)
{
	return bpf_get_current_pid_tgid() & 0xffffffff;
}

/* Linux 6.2+: makes a kernel pointer read as a number a read-only BTF pointer; absent before (weak: then 0). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * The current task's open file for fd, or NULL. The task pointer is a BTF-typed one, so the walk to the fd table
 * is plain loads (the verifier turns them into fault-tolerant ones) instead of a probe-read helper call per field;
 * only the array slot, which the verifier cannot type, is probe-read.
 */
static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	struct file **fds = fdt->fd;
	struct file *file = NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd & 0xfffff]);
	return file;
}

/* ---------------------------------------------------------------------------------------------- dispatcher */

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_dispatch, struct pt_regs *regs, long ret)
{
	__u32 id = (__u32)regs->orig_ax;
	if (id >= MAX_SYSCALLS)
		return 0;
	__u32 *on = bpf_map_lookup_elem(&interesting, &id);
	if (!on || !*on)
		return 0;
	bpf_tail_call(ctx, &syscall_progs, id);
	return 0;
}

/* ---------------------------------------------------------------------------------------------- files */

/* dev and ino of the file behind fd (zero when none); dev as Falco encodes it (new_encode_dev: minor low byte,
 * major, minor high bits). */
static __always_inline void p_dev_ino(struct builder *b, long fd)
{
	__u32 dev = 0;
	__u64 ino = 0;
	struct file *file = fd >= 0 ? fd_file(fd) : NULL;
	if (file) {
		struct inode *inode;
		dev_t kdev;
		if (bpf_rdonly_cast) {
			/* Plain loads through a read-only BTF pointer (the verifier makes them fault-tolerant): measured
			 * ~88 ns less per openat here than the four probe-read helper calls below (docs/benchmarks.md). */
			struct file *f = bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
			inode = f->f_inode;
			ino = inode->i_ino;
			kdev = inode->i_sb->s_dev;
		} else {
			inode = BPF_CORE_READ(file, f_inode);
			ino = BPF_CORE_READ(inode, i_ino);
			kdev = BPF_CORE_READ(inode, i_sb, s_dev);
		}
		__u32 major = kdev >> 20, minor = kdev & 0xfffff;
		dev = (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
	}
	p_u32(b, dev);
	p_u64(b, ino);
}

static __always_inline __u32 open_flags_to_ppm(__u32 f)
{
	__u32 r = 0;
	switch (f & 3) {
	case 0: r |= 1; break;        /* PPM_O_RDONLY */
	case 1: r |= 2; break;        /* PPM_O_WRONLY */
	case 2: r |= 3; break;        /* PPM_O_RDWR */
	}
	if (f & 0100) r |= 1 << 2;     /* O_CREAT */
	if (f & 02000) r |= 1 << 3;    /* O_APPEND */
	if (f & 010000) r |= 1 << 4;   /* O_DSYNC */
	if (f & 0200) r |= 1 << 5;     /* O_EXCL */
	if (f & 04000) r |= 1 << 6;    /* O_NONBLOCK */
	if ((f & 04010000) == 04010000) r |= 1 << 7; /* O_SYNC */
	if (f & 01000) r |= 1 << 8;    /* O_TRUNC */
	if (f & 040000) r |= 1 << 9;   /* O_DIRECT */
	if (f & 0200000) r |= 1 << 10; /* O_DIRECTORY */
	if (f & 0100000) r |= 1 << 11; /* O_LARGEFILE */
	if (f & 02000000) r |= 1 << 12;/* O_CLOEXEC */
	if ((f & 020200000) == 020200000) r |= 1 << 13; /* O_TMPFILE */
	return r;
}

/* The kernel marks a file its open created with FMODE_CREATED; Falco reports it as PPM_O_F_CREATED. */
#define FMODE_CREATED_BIT 0x100000
#define PPM_O_F_CREATED (1 << 14)

static __always_inline __u32 created_flag(__u32 flags, long fd)
{
	if (!(flags & 0100) || fd < 0)
		return 0;
	struct file *file = fd_file(fd);
	if (!file)
		return 0;
	__u32 mode = bpf_rdonly_cast ? ((struct file *)bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file)))->f_mode
				     : BPF_CORE_READ(file, f_mode);
	return (mode & FMODE_CREATED_BIT) ? PPM_O_F_CREATED : 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(openat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_OPENAT_2_X, 7, current_tid()))
		return 0;
	__u32 flags = (__u32)regs->dx;
	p_u64(&b, ret);
	p_u64(&b, (__s64)(int)regs->di);
	p_user_str(&b, (const void *)regs->si);
	p_u32(&b, open_flags_to_ppm(flags) | created_flag(flags, ret));
	p_u32(&b, (flags & (0100 | 020200000)) ? (__u32)regs->r10 & 07777 : 0);
	p_dev_ino(&b, ret);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(close_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SYSCALL_CLOSE_X, 2, current_tid(), FIXED_LEN(2, 8 + 8)))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, (__s64)(int)regs->di);
	submit_fixed(&b);
	return 0;
}

/* ---------------------------------------------------------------------------------------------- network */

/* Writes a PT_SOCKADDR from a user sockaddr of addrlen bytes; returns the family written (0 when empty). */
static __always_inline void p_sockaddr(struct builder *b, const void *uaddr, __u32 addrlen)
{
	__u8 *dst = &b->buf[b->off & SCRATCH_MASK];
	__u16 family = 0;
	if (!uaddr || addrlen < 2 || bpf_probe_read_user(&family, sizeof(family), uaddr) < 0) {
		p_empty(b);
		return;
	}
	if (family == 2 /* AF_INET */ && addrlen >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin = {};
		bpf_probe_read_user(&sin, sizeof(sin), uaddr);
		dst[0] = PPM_AF_INET;
		*(__u32 *)&dst[1] = sin.sin_addr.s_addr;
		*(__u16 *)&dst[5] = __builtin_bswap16(sin.sin_port);
		put_len(b, 7);
	} else if (family == 10 /* AF_INET6 */ && addrlen >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_user(&sin6, sizeof(sin6), uaddr);
		dst[0] = PPM_AF_INET6;
		__builtin_memcpy(&dst[1], &sin6.sin6_addr, 16);
		*(__u16 *)&dst[17] = __builtin_bswap16(sin6.sin6_port);
		put_len(b, 19);
	} else if (family == 1 /* AF_UNIX */) {
		dst[0] = PPM_AF_UNIX;
		long n = bpf_probe_read_user_str(&dst[1], 108, (const char *)uaddr + 2);
		if (n <= 0) {
			dst[1] = 0;
			n = 1;
		}
		put_len(b, 1 + (n & 0x7f));
	} else {
		p_empty(b);
	}
}

/* Bytes of sun_path in struct sockaddr_un. */
#define UNIX_PATH_MAX 108

/*
 * Writes a unix socket path (a pathname, or an abstract name without its leading NUL) at dst as a NUL-terminated
 * string; returns its length with the NUL. user: whether src is a user-space address.
 */
static __always_inline long put_unix_path(__u8 *dst, const char *src, int user)
{
	char first = 0;
	long n = 0;
	if (src) {
		if (user)
			bpf_probe_read_user(&first, 1, src);
		else
			bpf_probe_read_kernel(&first, 1, src);
		if (first == 0)
			src++;
		n = user ? bpf_probe_read_user_str(dst, UNIX_PATH_MAX, src) : bpf_probe_read_kernel_str(dst, UNIX_PATH_MAX, src);
	}
	if (n <= 0) {
		dst[0] = 0;
		n = 1;
	}
	return n & 0x7f;
}

/* The sun_path of a bound unix socket, or NULL when it has no address. */
static __always_inline const char *unix_sock_path(struct unix_sock *us)
{
	struct unix_address *ua = BPF_CORE_READ(us, addr);
	if (!ua)
		return NULL;
	return (const char *)ua + bpf_core_field_offset(struct unix_address, name) + 2 /* sun_family */;
}

/*
 * Writes a PT_SOCKTUPLE of a socket fd, empty for families other than IPv4, IPv6 and unix: local -> remote for a
 * connection this side opened (connect), remote -> local for an inbound one (accept), as Falco orders them. A unix
 * tuple is Falco's: the two kernel socket addresses (peer then local for connect, local then peer for accept) and
 * the path of the far side for connect (of the local socket for accept); uaddr, the sockaddr connect was given,
 * names the path when the socket has no peer.
 */
static __always_inline void p_socktuple(struct builder *b, long fd, int inbound, const void *uaddr)
{
	struct file *file = fd_file(fd);
	if (!file) {
		p_empty(b);
		return;
	}
	struct socket *sock = BPF_CORE_READ(file, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 *dst = &b->buf[b->off & SCRATCH_MASK];
	if (family == 2 /* AF_INET */) {
		__u32 lo = inbound ? 7 : 1, re = inbound ? 1 : 7;
		dst[0] = PPM_AF_INET;
		*(__u32 *)&dst[lo] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		*(__u16 *)&dst[lo + 4] = BPF_CORE_READ(sk, __sk_common.skc_num);
		*(__u32 *)&dst[re] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		*(__u16 *)&dst[re + 4] = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
		put_len(b, 13);
	} else if (family == 10 /* AF_INET6 */) {
		__u32 lo = inbound ? 19 : 1, re = inbound ? 1 : 19;
		dst[0] = PPM_AF_INET6;
		bpf_core_read(&dst[lo & 31], 16, &sk->__sk_common.skc_v6_rcv_saddr); /* 16 bytes: READ_INTO would copy sizeof(u8) */
		*(__u16 *)&dst[(lo + 16) & 63] = BPF_CORE_READ(sk, __sk_common.skc_num);
		bpf_core_read(&dst[re & 31], 16, &sk->__sk_common.skc_v6_daddr);
		*(__u16 *)&dst[(re + 16) & 63] = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
		put_len(b, 37);
	} else if (family == 1 /* AF_UNIX */) {
		struct unix_sock *local = (struct unix_sock *)sk;
		struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(local, peer);
		dst[0] = PPM_AF_UNIX;
		*(__u64 *)&dst[1] = inbound ? (__u64)local : (__u64)peer;
		*(__u64 *)&dst[9] = inbound ? (__u64)peer : (__u64)local;
		long n;
		if (!inbound && !peer && uaddr)
			n = put_unix_path(&dst[17], (const char *)uaddr + 2, 1);
		else
			n = put_unix_path(&dst[17], unix_sock_path(inbound ? local : peer), 0);
		put_len(b, 17 + n);
	} else {
		p_empty(b);
	}
}

SEC("tp_btf/sys_exit")
int BPF_PROG(connect_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SOCKET_CONNECT_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_socktuple(&b, (__s64)(int)regs->di, 0, (const void *)regs->si);
	p_u64(&b, (__s64)(int)regs->di);
	p_sockaddr(&b, (const void *)regs->si, (__u32)regs->dx);
	submit(&b);
	return 0;
}

/* ---------------------------------------------------------------------------------------------- processes */

/* An unknown path: an empty string, or no value at all (user space then falls back to its own reconstruction). */
static __always_inline void p_unknown_path(struct builder *b, int none)
{
	if (none)
		p_empty(b);
	else
		p_kernel_str(b, "");
}

/*
 * Writes the absolute path of a dentry on a mount: a walk from the dentry up to the root, crossing mount points, at
 * most PATH_MAX_DEPTH components. A deeper (or longer than PATH_BUF) path is written empty rather than cut: a partial
 * path would look like a different absolute path.
 */
static __always_inline void p_path(struct builder *b, struct dentry *d, struct vfsmount *vm, int none_if_unknown,
				   int max_depth)
{
	__u32 zero = 0;
	char *tmp = bpf_map_lookup_elem(&path_map, &zero);
	if (!tmp || !d || !vm) {
		p_unknown_path(b, none_if_unknown);
		return;
	}
	struct mount *mnt = (struct mount *)((char *)vm - bpf_core_field_offset(struct mount, mnt));
	__u32 pos = PATH_BUF - 1;
	int complete = 0;
	tmp[PATH_BUF - 1] = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < max_depth; i++) {
		struct dentry *mnt_root = BPF_CORE_READ(vm, mnt_root);
		if (d == mnt_root) {
			struct mount *parent_mnt = BPF_CORE_READ(mnt, mnt_parent);
			if (parent_mnt == mnt) {
				complete = 1;
				break;
			}
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = parent_mnt;
			vm = (struct vfsmount *)((char *)mnt + bpf_core_field_offset(struct mount, mnt));
			continue;
		}
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		if (d == parent) {
			complete = 1;
			break;
		}
		__u32 len = BPF_CORE_READ(d, d_name.len) & 0xff;
		if (len + 1 >= pos)
			break;
		pos -= len;
		bpf_probe_read_kernel(&tmp[pos & (PATH_BUF - 1)], len, BPF_CORE_READ(d, d_name.name));
		pos -= 1;
		tmp[pos & (PATH_BUF - 1)] = '/';
		d = parent;
	}
	if (!complete) {
		p_unknown_path(b, none_if_unknown);
		return;
	}
	if (pos == PATH_BUF - 1) {
		pos -= 1;
		tmp[pos & (PATH_BUF - 1)] = '/';
	}
	p_kernel_str(b, &tmp[pos & (PATH_BUF - 1)]);
}

/* Writes the absolute path of the task's working directory. */
static __always_inline void p_cwd(struct builder *b, struct task_struct *task)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	p_path(b, BPF_CORE_READ(fs, pwd.dentry), BPF_CORE_READ(fs, pwd.mnt), 0, PATH_MAX_DEPTH);
}

/* ---------------------------------------------------------------------------------------------- cgroups */

/* Deepest cgroup path kept, in components below the hierarchy's root; a deeper path keeps its last components. */
#define CGROUP_MAX_DEPTH 8
/* Longest cgroup path component kept ("libpod-<64 hex>.scope" is 77 bytes). */
#define CGROUP_NAME_MAX 128
/* Longest controller name read ("cpuacct"). */
#define CGROUP_SUBSYS_NAME_MAX 16

/*
 * Write position of the cgroups parameter being assembled. Kept in map memory rather than in a register: the
 * verifier does not track values loaded from a map, so the many possible lengths of the path components do not
 * multiply the states it explores (on the stack or in registers they made execve exceed its budget, E2BIG).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroups_cursor SEC(".maps");

/* kernfs_node before Linux 6.15 named its parent pointer "parent" (now "__parent"). */
struct kernfs_node___pre_6_15 {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___pre_6_15 *)kn, parent);
}

/*
 * Appends "controller=/path" and its NUL at *cur for the task's cgroup of one controller (subsystem id id), the
 * path in the controller's hierarchy as /proc/PID/cgroup shows it. Writes nothing when the task has no such
 * controller state.
 */
static __always_inline void put_cgroup(struct builder *b, __u32 *cur, struct task_struct *task, __u32 id)
{
	struct cgroup_subsys_state *css = BPF_CORE_READ(task, cgroups, subsys[id & 15]);
	if (!css)
		return;
	long n = bpf_probe_read_kernel_str(&b->buf[*cur & SCRATCH_MASK], CGROUP_SUBSYS_NAME_MAX,
					   BPF_CORE_READ(css, ss, name));
	if (n <= 1)
		return;
	*cur += n - 1;
	b->buf[*cur & SCRATCH_MASK] = '=';
	*cur += 1;
	__u32 path_start = *cur;
	const char *names[CGROUP_MAX_DEPTH] = {};
	struct kernfs_node *kn = BPF_CORE_READ(css, cgroup, kn);
#pragma clang loop unroll(disable)
	for (int i = 0; i < CGROUP_MAX_DEPTH; i++) {
		if (!kn)
			break;
		names[i] = BPF_CORE_READ(kn, name);
		kn = kernfs_parent(kn);
	}
	/* From the top: '/' then the name; the root's name is empty, and a '/' before an empty name is taken back. */
#pragma clang loop unroll(disable)
	for (int i = CGROUP_MAX_DEPTH - 1; i >= 0; i--) {
		const char *name = names[i & (CGROUP_MAX_DEPTH - 1)];
		if (!name)
			continue;
		b->buf[*cur & SCRATCH_MASK] = '/';
		n = bpf_probe_read_kernel_str(&b->buf[(*cur + 1) & SCRATCH_MASK], CGROUP_NAME_MAX, name);
		if (n > 1)
			*cur += n;
	}
	if (*cur == path_start) {
		b->buf[*cur & SCRATCH_MASK] = '/';
		*cur += 1;
	}
	b->buf[*cur & SCRATCH_MASK] = 0;
	*cur += 1;
}

/*
 * The cgroups parameter of execve and clone exits, as Falco's drivers fill it: one "controller=/path" string per
 * controller among cpuset, cpu, cpuacct, io and memory (the ones its container engines read), NUL-separated.
 */
static __always_inline void p_cgroups(struct builder *b, struct task_struct *task)
{
	__u32 zero = 0;
	__u32 *cur = bpf_map_lookup_elem(&cgroups_cursor, &zero);
	if (!cur) {
		p_empty(b);
		return;
	}
	*cur = b->off;
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuset_cgrp_id))
		put_cgroup(b, cur, task, bpf_core_enum_value(enum cgroup_subsys_id, cpuset_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id))
		put_cgroup(b, cur, task, bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuacct_cgrp_id))
		put_cgroup(b, cur, task, bpf_core_enum_value(enum cgroup_subsys_id, cpuacct_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, io_cgrp_id))
		put_cgroup(b, cur, task, bpf_core_enum_value(enum cgroup_subsys_id, io_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		put_cgroup(b, cur, task, bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id));
	put_len(b, (*cur - b->off) & (SCRATCH_HALF - 1));
}

/* ---------------------------------------------------------------------------------------------- task facts */

/* Before Linux 6.2 the RSS counters were atomics in struct mm_rss_stat; since, an array of percpu_counter. */
struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

#define MM_FILEPAGES 0
#define MM_ANONPAGES 1
#define MM_SWAPENTS 2
#define MM_SHMEMPAGES 3

/* An RSS counter of an mm in pages: the counter's global value (per-CPU deltas not folded in, as /proc shows). */
static __always_inline __s64 mm_counter(struct mm_struct *mm, int member)
{
	__s64 v = 0;
	if (!mm)
		return 0;
	if (bpf_core_type_exists(struct mm_rss_stat___pre62)) {
		struct mm_struct___pre62 *old = (void *)mm;
		BPF_CORE_READ_INTO(&v, old, rss_stat.count[member & 3].counter);
	} else {
		BPF_CORE_READ_INTO(&v, mm, rss_stat[member & 3].count);
	}
	return v < 0 ? 0 : v;
}

/* Pages of 4 KiB to KiB, as /proc/PID/status reports them (x86_64 pages). */
#define PAGES_TO_KIB(p) ((__u32)((p) << 2))

/* The number of pid as its own (innermost) pid namespace sees it: what getpid() returns inside a container. */
static __always_inline __s64 pid_vnr(struct pid *pid)
{
	if (!pid)
		return 0;
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid up = {};
	bpf_core_read(&up, sizeof(up), &pid->numbers[level & 31]);
	return up.nr;
}

/* The pid namespace level of the task (0 in the initial namespace). */
static __always_inline unsigned int task_pidns_level(struct task_struct *task)
{
	return BPF_CORE_READ(task, thread_pid, level);
}

static __always_inline void p_proc_common(struct builder *b, struct task_struct *task)
{
	/* exe and args from the argv area of the (possibly new) mm. */
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(mm, arg_end);
	long first = p_user_str(b, (const void *)arg_start);
	/* args: everything after argv[0]. */
	unsigned long rest = arg_start + first;
	p_user_area(b, rest, arg_end);
	p_u64(b, BPF_CORE_READ(task, pid));
	p_u64(b, BPF_CORE_READ(task, tgid));
	p_u64(b, BPF_CORE_READ(task, real_parent, tgid));
	p_cwd(b, task);
	p_u64(b, BPF_CORE_READ(task, signal, rlim[7].rlim_cur)); /* RLIMIT_NOFILE */
	p_u64(b, BPF_CORE_READ(task, maj_flt));
	p_u64(b, BPF_CORE_READ(task, min_flt));
	p_u32(b, PAGES_TO_KIB(BPF_CORE_READ(mm, total_vm)));
	p_u32(b, PAGES_TO_KIB(mm_counter(mm, MM_FILEPAGES) + mm_counter(mm, MM_ANONPAGES) +
			      mm_counter(mm, MM_SHMEMPAGES)));
	p_u32(b, PAGES_TO_KIB(mm_counter(mm, MM_SWAPENTS)));
	p_kernel_str(b, BPF_CORE_READ(task, comm));
	p_cgroups(b, task);
}

/* Inode times before Linux 6.6 (struct timespec64 i_ctime/i_mtime), 6.6-6.10 (__i_ctime), and since 6.11 (split
 * seconds and nanoseconds fields, the layout of this build's vmlinux.h). */
struct inode___pre66 {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

struct inode___v66 {
	struct timespec64 __i_ctime;
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));

static __always_inline __u64 timespec_ns(struct timespec64 t)
{
	return (__u64)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/*
 * An inode's time in epoch nanoseconds (x: ctime or mtime), 0 when unknown. Since 6.13 the top bit of the
 * nanoseconds field can flag a queried ctime (multigrain timestamps): masked, it is never part of a valid value.
 */
#define INODE_TIME_NS(inode, x)                                                                                  \
	({                                                                                                        \
		struct timespec64 t_ = {};                                                                        \
		if (!(inode)) {                                                                                   \
		} else if (bpf_core_field_exists(((struct inode___pre66 *)0)->i_##x)) {                          \
			BPF_CORE_READ_INTO(&t_, (struct inode___pre66 *)(inode), i_##x);                          \
		} else if (bpf_core_field_exists(((struct inode___v66 *)0)->__i_##x)) {                          \
			BPF_CORE_READ_INTO(&t_, (struct inode___v66 *)(inode), __i_##x);                          \
		} else {                                                                                          \
			BPF_CORE_READ_INTO(&t_.tv_sec, (inode), i_##x##_sec);                                     \
			t_.tv_nsec = BPF_CORE_READ((inode), i_##x##_nsec) & ~(1U << 31);                          \
		}                                                                                                 \
		timespec_ns(t_);                                                                                  \
	})

/* The inheritable, permitted and effective capability sets of cred (raw kernel bits, 64 bits since Linux 6.3). */
static __always_inline void p_caps(struct builder *b, const struct cred *cred)
{
	__u64 capi = 0, capp = 0, cape = 0;
	bpf_probe_read_kernel(&capi, 8, &cred->cap_inheritable);
	bpf_probe_read_kernel(&capp, 8, &cred->cap_permitted);
	bpf_probe_read_kernel(&cape, 8, &cred->cap_effective);
	p_u64(b, capi);
	p_u64(b, capp);
	p_u64(b, cape);
}

#define PPM_EXE_WRITABLE (1 << 0)
#define PPM_EXE_UPPER_LAYER (1 << 1)
#define PPM_EXE_FROM_MEMFD (1 << 2)
#define PPM_EXE_LOWER_LAYER (1 << 3)
#define OVERLAYFS_SUPER_MAGIC 0x794c7630

/*
 * Whether the task could write its executable: read-only superblock or immutable inode → no; owner → yes; else the
 * owner/group/other write bit that applies (primary group only, no ACLs), else CAP_DAC_OVERRIDE or CAP_FOWNER in
 * the effective set (user namespace mappings not checked).
 */
static __always_inline int exe_writable(const struct cred *cred, struct inode *inode)
{
	umode_t mode = BPF_CORE_READ(inode, i_mode);
	if ((BPF_CORE_READ(inode, i_sb, s_flags) & 1 /* SB_RDONLY */) || (BPF_CORE_READ(inode, i_flags) & 8 /* S_IMMUTABLE */))
		return 0;
	__u32 uid = BPF_CORE_READ(inode, i_uid.val), gid = BPF_CORE_READ(inode, i_gid.val);
	__u32 fsuid = BPF_CORE_READ(cred, fsuid.val), fsgid = BPF_CORE_READ(cred, fsgid.val);
	if (fsuid == uid)
		return 1;
	if ((fsgid == gid ? mode & 020 : mode & 02))
		return 1;
	__u64 caps = 0;
	bpf_probe_read_kernel(&caps, 8, &cred->cap_effective);
	return (caps & ((1ULL << 1) | (1ULL << 3))) != 0; /* CAP_DAC_OVERRIDE, CAP_FOWNER */
}

/* Whether the executable is an anonymous memfd file: a root dentry named "memfd:...". */
static __always_inline int exe_from_memfd(struct file *exe)
{
	struct dentry *d = BPF_CORE_READ(exe, f_path.dentry);
	if (!d || BPF_CORE_READ(d, d_parent) != d)
		return 0;
	char name[7] = {};
	if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(d, d_name.name)) != sizeof(name))
		return 0;
	return name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' && name[5] == ':';
}

/*
 * PPM_EXE_UPPER_LAYER or PPM_EXE_LOWER_LAYER for an executable on overlayfs (0 elsewhere). An overlay inode is the
 * VFS inode embedded in struct ovl_inode, directly followed by the upper dentry pointer: a file with an upper
 * dentry that has an inode was written (copied up or created) in the container's own layer.
 */
static __always_inline __u32 exe_overlay_layer(struct file *exe)
{
	struct dentry *d = BPF_CORE_READ(exe, f_path.dentry);
	if (BPF_CORE_READ(d, d_sb, s_magic) != OVERLAYFS_SUPER_MAGIC)
		return 0;
	char *inode = (char *)BPF_CORE_READ(d, d_inode);
	struct dentry *upper = NULL;
	if (!inode || bpf_probe_read_kernel(&upper, sizeof(upper), inode + bpf_core_type_size(struct inode)) != 0 || !upper)
		return PPM_EXE_LOWER_LAYER;
	return BPF_CORE_READ(upper, d_inode, i_ino) != 0 ? PPM_EXE_UPPER_LAYER : PPM_EXE_LOWER_LAYER;
}

/*
 * The execve exit parameters of the task's image. with_exepath: whether to walk the image's path for
 * trusted_exepath (a constant at each call: a failed execve leaves the old image, and a second path walk in the
 * same program makes it too large for the verifier, so the failure event leaves it empty).
 */
static __always_inline void emit_execve(struct builder *b, long res, struct task_struct *task, int with_exepath)
{
	p_u64(b, res);
	p_proc_common(b, task);
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	p_user_area(b, BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end));
	/* tty: the controlling terminal's device number as /proc/PID/stat's tty_nr encodes it, 0 when none. */
	__u32 tty_nr = 0;
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	if (tty) {
		__u32 major = BPF_CORE_READ(tty, driver, major);
		__u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
		tty_nr = (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
	}
	p_u32(b, tty_nr);
	/* Process group in the initial namespace, and as the task's own pid namespace sees it (vpgid). */
	struct pid *pgrp = BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID]);
	__s64 pgid = BPF_CORE_READ(pgrp, numbers[0].nr);
	p_u64(b, pid_vnr(pgrp));
	p_u32(b, BPF_CORE_READ(task, loginuid.val));
	const struct cred *cred = BPF_CORE_READ(task, cred);
	struct file *exe_file = BPF_CORE_READ(mm, exe_file);
	__u32 exe_flags = 0;
	if (exe_file) {
		if (exe_writable(cred, BPF_CORE_READ(exe_file, f_inode)))
			exe_flags |= PPM_EXE_WRITABLE;
		if (exe_from_memfd(exe_file))
			exe_flags |= PPM_EXE_FROM_MEMFD;
		exe_flags |= exe_overlay_layer(exe_file);
	}
	p_u32(b, exe_flags);
	p_caps(b, cred);
	struct inode *exe_inode = BPF_CORE_READ(mm, exe_file, f_inode);
	p_u64(b, BPF_CORE_READ(exe_inode, i_ino));
	p_u64(b, INODE_TIME_NS(exe_inode, ctime));
	p_u64(b, INODE_TIME_NS(exe_inode, mtime));
	p_u32(b, BPF_CORE_READ(cred, euid.val));
	/* trusted_exepath: the path of the image the kernel mapped (symlinks resolved), as Falco's d_path. */
	if (with_exepath && exe_file)
		p_path(b, BPF_CORE_READ(exe_file, f_path.dentry), BPF_CORE_READ(exe_file, f_path.mnt), 1,
		       EXE_PATH_MAX_DEPTH);
	else
		p_empty(b);
	p_u64(b, pgid);
	p_u32(b, BPF_CORE_READ(cred, egid.val));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(execve_x, struct pt_regs *regs, long ret)
{
	/* A successful execve is reported by sched_process_exec, with the new image; here only failures. */
	if (ret == 0)
		return 0;
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_EXECVE_19_X, 31, current_tid()))
		return 0;
	emit_execve(&b, ret, bpf_get_current_task_btf(), 0);
	p_user_str(&b, (const void *)regs->di); /* filename */
	submit(&b);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_EXECVE_19_X, 31, current_tid()))
		return 0;
	emit_execve(&b, 0, p, 1);
	p_kernel_str(&b, BPF_CORE_READ(bprm, filename));
	submit(&b);
	return 0;
}

#define PPM_CL_CHILD_IN_PIDNS (1 << 29)

/* Linux CLONE_* flags to Falco's PPM_CL_* flags (the creation flags only; the state flags are user space's). */
static __always_inline __u32 clone_flags_to_ppm(__u64 f)
{
	__u32 r = 0;
	if (f & 0x400) r |= 1 << 0;        /* CLONE_FILES */
	if (f & 0x200) r |= 1 << 1;        /* CLONE_FS */
	if (f & 0x80000000UL) r |= 1 << 2; /* CLONE_IO */
	if (f & 0x8000000) r |= 1 << 3;    /* CLONE_NEWIPC */
	if (f & 0x40000000) r |= 1 << 4;   /* CLONE_NEWNET */
	if (f & 0x20000) r |= 1 << 5;      /* CLONE_NEWNS */
	if (f & 0x20000000) r |= 1 << 6;   /* CLONE_NEWPID */
	if (f & 0x4000000) r |= 1 << 7;    /* CLONE_NEWUTS */
	if (f & 0x8000) r |= 1 << 8;       /* CLONE_PARENT */
	if (f & 0x100000) r |= 1 << 9;     /* CLONE_PARENT_SETTID */
	if (f & 0x2000) r |= 1 << 10;      /* CLONE_PTRACE */
	if (f & 0x800) r |= 1 << 11;       /* CLONE_SIGHAND */
	if (f & 0x40000) r |= 1 << 12;     /* CLONE_SYSVSEM */
	if (f & 0x10000) r |= 1 << 13;     /* CLONE_THREAD */
	if (f & 0x800000) r |= 1 << 14;    /* CLONE_UNTRACED */
	if (f & 0x100) r |= 1 << 15;       /* CLONE_VM */
	if (f & 0x10000000) r |= 1 << 20;  /* CLONE_NEWUSER */
	if (f & 0x200000) r |= 1 << 23;    /* CLONE_CHILD_CLEARTID */
	if (f & 0x1000000) r |= 1 << 24;   /* CLONE_CHILD_SETTID */
	if (f & 0x80000) r |= 1 << 25;     /* CLONE_SETTLS */
	if (f & 0x4000) r |= 1 << 27;      /* CLONE_VFORK */
	if (f & 0x2000000) r |= 1 << 28;   /* CLONE_NEWCGROUP */
	return r;
}

static __always_inline int emit_clone(struct pt_regs *regs, long ret, __u16 type, __u32 flags)
{
	struct builder b;
	if (!begin(&b, type, 21, current_tid()))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	p_u64(&b, ret);
	p_proc_common(&b, task);
	/* The new thread is in a pid namespace other than the initial one: the caller is in one, or it asked for a
	 * new one for its children (the second test only means something in the parent). */
	struct pid *thread_pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = task_pidns_level(task);
	struct pid_namespace *own_ns = NULL;
	bpf_core_read(&own_ns, sizeof(own_ns), &thread_pid->numbers[level & 31].ns);
	if (level != 0 || BPF_CORE_READ(task, nsproxy, pid_ns_for_children) != own_ns)
		flags |= PPM_CL_CHILD_IN_PIDNS;
	p_u32(&b, flags);
	const struct cred *cred = BPF_CORE_READ(task, cred);
	p_u32(&b, BPF_CORE_READ(cred, euid.val));
	p_u32(&b, BPF_CORE_READ(cred, egid.val));
	p_u64(&b, pid_vnr(thread_pid));
	p_u64(&b, pid_vnr(BPF_CORE_READ(task, signal, pids[PIDTYPE_TGID])));
	/* pidns_init_start_ts: start of the namespace's init process, in the child only (as Falco). */
	p_u64(&b, ret == 0 ? BPF_CORE_READ(own_ns, child_reaper, start_time) : 0);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(clone_x, struct pt_regs *regs, long ret)
{
	return emit_clone(regs, ret, PPME_SYSCALL_CLONE_20_X, clone_flags_to_ppm(regs->di));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(fork_x, struct pt_regs *regs, long ret)
{
	return emit_clone(regs, ret, PPME_SYSCALL_FORK_20_X, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vfork_x, struct pt_regs *regs, long ret)
{
	/* vfork is clone(CLONE_VM | CLONE_VFORK | SIGCHLD). */
	return emit_clone(regs, ret, PPME_SYSCALL_VFORK_20_X, clone_flags_to_ppm(0x100 | 0x4000));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(clone3_x, struct pt_regs *regs, long ret)
{
	__u64 flags = 0; /* struct clone_args starts with the u64 flags */
	bpf_probe_read_user(&flags, sizeof(flags), (const void *)regs->di);
	return emit_clone(regs, ret, PPME_SYSCALL_CLONE3_X, clone_flags_to_ppm(flags));
}

/* ---------------------------------------------------------------------------------------------- reaper */

/* Most threads of a group looked at for a live one, and most ancestors walked for a subreaper. */
#define REAPER_MAX_THREADS 32
#define REAPER_MAX_ANCESTORS 64
#define PF_EXITING 0x00000004

/*
 * The tid of the first live (not exiting) thread of task's group, in the group's order (the leader first), as the
 * kernel's find_alive_thread; 0 when none, -1 when more threads than the bound were exiting. An exiting task has
 * PF_EXITING set by the time sched_process_exit fires.
 */
static __always_inline __s64 live_thread_of(struct task_struct *task)
{
	if (!bpf_core_field_exists(task->thread_node))
		return -1;
	struct signal_struct *signal = BPF_CORE_READ(task, signal);
	struct list_head *head = &signal->thread_head;
	struct list_head *next = BPF_CORE_READ(head, next);
#pragma clang loop unroll(disable)
	for (int i = 0; i < REAPER_MAX_THREADS; i++) {
		if (next == head)
			return 0;
		struct task_struct *t = (void *)((char *)next - bpf_core_field_offset(struct task_struct, thread_node));
		if (!(BPF_CORE_READ(t, flags) & PF_EXITING))
			return BPF_CORE_READ(t, pid);
		next = BPF_CORE_READ(t, thread_node.next);
	}
	return -1;
}

/*
 * reaper_tid of procexit: the thread the kernel will give the exiting task's children to (its find_new_reaper): a
 * live thread of its own group, else the nearest child-subreaper ancestor in the same pid namespace, else the init
 * of its pid namespace. 0 when the namespace's init itself exits, -1 when a bound stopped the search (user space
 * then searches its own table, as libsinsp).
 */
static __always_inline __s64 reaper_tid(struct task_struct *father)
{
	__s64 tid = live_thread_of(father);
	if (tid != 0)
		return tid;
	struct pid *pid = BPF_CORE_READ(father, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct pid_namespace *ns = BPF_CORE_READ(pid, numbers[level & 31].ns);
	struct task_struct *ns_init = BPF_CORE_READ(ns, child_reaper);
	if (ns_init == father)
		return 0;
	__s64 init_tid = BPF_CORE_READ(ns_init, pid);
	struct signal_struct *signal = BPF_CORE_READ(father, signal);
	if (!BPF_CORE_READ_BITFIELD_PROBED(signal, has_child_subreaper))
		return init_tid;
	struct task_struct *at = BPF_CORE_READ(father, real_parent);
#pragma clang loop unroll(disable)
	for (int i = 0; i < REAPER_MAX_ANCESTORS; i++) {
		if (BPF_CORE_READ(at, thread_pid, level) != level || at == ns_init)
			return init_tid;
		signal = BPF_CORE_READ(at, signal);
		if (BPF_CORE_READ_BITFIELD_PROBED(signal, is_child_subreaper)) {
			tid = live_thread_of(at);
			if (tid != 0)
				return tid;
		}
		at = BPF_CORE_READ(at, real_parent);
	}
	return -1;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *p)
{
	struct builder b;
	if (!begin(&b, PPME_PROCEXIT_1_E, 5, current_tid()))
		return 0;
	int code = BPF_CORE_READ(p, exit_code);
	p_u64(&b, code);
	p_u64(&b, (code >> 8) & 0xff);
	p_u8(&b, code & 0x7f);
	p_u8(&b, (code & 0x80) ? 1 : 0);
	p_u64(&b, reaper_tid(p));
	submit(&b);
	return 0;
}

/* ---------------------------------------------------------------------------------------------- more syscalls */

/* Event codes of the syscalls below (dev.peregrine.event.EventTable, current exit layouts). */
#define PPME_SYSCALL_OPEN_X 3
#define PPME_SOCKET_SOCKET_X 19
#define PPME_SOCKET_BIND_X 21
#define PPME_SOCKET_LISTEN_X 25
#define PPME_SYSCALL_CREAT_X 59
#define PPME_SYSCALL_CHDIR_X 95
#define PPME_SYSCALL_FCHDIR_X 97
#define PPME_SYSCALL_PTRACE_X 169
#define PPME_SYSCALL_RENAME_X 175
#define PPME_SYSCALL_RENAMEAT_X 177
#define PPME_SYSCALL_SYMLINK_X 179
#define PPME_SYSCALL_SYMLINKAT_X 181
#define PPME_SYSCALL_SETRESUID_X 193
#define PPME_SYSCALL_SETRESGID_X 195
#define PPME_SYSCALL_SETUID_X 199
#define PPME_SYSCALL_SETGID_X 201
#define PPME_SOCKET_ACCEPT_5_X 247
#define PPME_SYSCALL_MKDIR_2_X 277
#define PPME_SYSCALL_UNLINK_2_X 301
#define PPME_SYSCALL_UNLINKAT_2_X 303
#define PPME_SYSCALL_MKDIRAT_X 305
#define PPME_SYSCALL_LINK_2_X 309
#define PPME_SYSCALL_LINKAT_2_X 311
#define PPME_SYSCALL_FCHMODAT_X 313
#define PPME_SYSCALL_CHMOD_X 315
#define PPME_SYSCALL_FCHMOD_X 317
#define PPME_SYSCALL_RENAMEAT2_X 319
#define PPME_SYSCALL_DUP2_X 363
#define PPME_SYSCALL_DUP3_X 365
#define PPME_SYSCALL_DUP_1_X 367
#define PPME_SOCKET_ACCEPT4_6_X 389
#define PPME_SYSCALL_MEMFD_CREATE_X 405
#define PPME_SYSCALL_INIT_MODULE_X 411
#define PPME_SYSCALL_FINIT_MODULE_X 413

/* A dirfd argument as a signed 64-bit fd (AT_FDCWD, -100, is the same number in Falco's encoding). */
static __always_inline __s64 arg_fd(unsigned long v)
{
	return (__s64)(int)v;
}

/* A user buffer of len bytes, at most SNAPLEN, as a PT_BYTEBUF; empty when unreadable. */
static __always_inline void p_user_buf(struct builder *b, const void *src, unsigned long len)
{
	if (len > SNAPLEN)
		len = SNAPLEN;
	if (len == 0 || bpf_probe_read_user(&b->buf[b->off & SCRATCH_MASK], len & (SNAPLEN * 2 - 1), src) < 0)
		len = 0;
	put_len(b, len);
}

/* res + two paths: link, rename. */
static __always_inline int emit_two_paths(struct pt_regs *regs, long ret, __u16 type)
{
	struct builder b;
	if (!begin(&b, type, 3, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_user_str(&b, (const void *)regs->si);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(link_x, struct pt_regs *regs, long ret)
{
	return emit_two_paths(regs, ret, PPME_SYSCALL_LINK_2_X);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(rename_x, struct pt_regs *regs, long ret)
{
	return emit_two_paths(regs, ret, PPME_SYSCALL_RENAME_X);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(symlink_x, struct pt_regs *regs, long ret)
{
	return emit_two_paths(regs, ret, PPME_SYSCALL_SYMLINK_X);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(linkat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_LINKAT_2_X, 6, current_tid()))
		return 0;
	__u32 f = (__u32)regs->r8, flags = 0;
	if (f & 0x400) flags |= 0x400;   /* AT_SYMLINK_FOLLOW → PPM_AT_SYMLINK_FOLLOW */
	if (f & 0x1000) flags |= 0x1000; /* AT_EMPTY_PATH → PPM_AT_EMPTY_PATH */
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_user_str(&b, (const void *)regs->si);
	p_u64(&b, arg_fd(regs->dx));
	p_user_str(&b, (const void *)regs->r10);
	p_u32(&b, flags);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(symlinkat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_SYMLINKAT_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_u64(&b, arg_fd(regs->si));
	p_user_str(&b, (const void *)regs->dx);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(unlink_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_UNLINK_2_X, 2, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(unlinkat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_UNLINKAT_2_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_user_str(&b, (const void *)regs->si);
	p_u32(&b, ((__u32)regs->dx & 0x200) ? 0x200 : 0); /* AT_REMOVEDIR → PPM_AT_REMOVEDIR */
	submit(&b);
	return 0;
}

static __always_inline int emit_renameat(struct pt_regs *regs, long ret, __u16 type, int with_flags)
{
	struct builder b;
	if (!begin(&b, type, with_flags ? 6 : 5, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_user_str(&b, (const void *)regs->si);
	p_u64(&b, arg_fd(regs->dx));
	p_user_str(&b, (const void *)regs->r10);
	if (with_flags)
		p_u32(&b, (__u32)regs->r8 & 7); /* RENAME_NOREPLACE/EXCHANGE/WHITEOUT are PPM_RENAME_* bit for bit */
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(renameat_x, struct pt_regs *regs, long ret)
{
	return emit_renameat(regs, ret, PPME_SYSCALL_RENAMEAT_X, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(renameat2_x, struct pt_regs *regs, long ret)
{
	return emit_renameat(regs, ret, PPME_SYSCALL_RENAMEAT2_X, 1);
}

/* Linux x86_64 ptrace request to Falco's PPM_PTRACE_* value (0, PPM_PTRACE_UNKNOWN, for others). */
static __always_inline __u16 ptrace_request_to_ppm(unsigned long r)
{
	if (r <= 9)
		return r + 1; /* TRACEME .. SINGLESTEP are 0..9 in Linux, 1..10 in Falco */
	switch (r) {
	case 12: return 26; case 13: return 27; case 14: return 28; case 15: return 29;
	case 16: return 11; case 17: return 12; case 18: return 30; case 19: return 31;
	case 21: return 32; case 24: return 13; case 25: return 33; case 26: return 34;
	case 30: return 35; case 31: return 36; case 32: return 37; case 33: return 38;
	}
	if (r >= 0x4200 && r <= 0x420b)
		return 14 + (r - 0x4200); /* SETOPTIONS .. SETSIGMASK */
	return 0;
}

#define PPM_PTRACE_IDX_UINT64 0
#define PPM_PTRACE_IDX_SIGTYPE 1

static __always_inline void p_ptrace_u64(struct builder *b, __u64 v)
{
	__u8 *dst = &b->buf[b->off & SCRATCH_MASK];
	dst[0] = PPM_PTRACE_IDX_UINT64;
	*(__u64 *)&dst[1] = v;
	put_len(b, 9);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ptrace_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_PTRACE_X, 5, current_tid()))
		return 0;
	__u16 req = ptrace_request_to_ppm(regs->di);
	__u64 addr = regs->dx, data = regs->r10;
	p_u64(&b, ret);
	p_ptrace_u64(&b, ret < 0 ? 0 : addr);
	if (ret < 0) {
		p_ptrace_u64(&b, 0);
	} else if (req == 2 || req == 3 || req == 4) { /* PEEKTEXT, PEEKDATA, PEEKUSR: the word read */
		__u64 word = 0;
		bpf_probe_read_user(&word, sizeof(word), (const void *)data);
		p_ptrace_u64(&b, word);
	} else if (req == 8 || req == 10 || req == 12 || req == 13) { /* CONT, SINGLESTEP, DETACH, SYSCALL: signal */
		__u8 *dst = &b.buf[b.off & SCRATCH_MASK];
		dst[0] = PPM_PTRACE_IDX_SIGTYPE;
		dst[1] = (__u8)data;
		put_len(&b, 2);
	} else {
		p_ptrace_u64(&b, data);
	}
	*(__u16 *)&b.buf[b.off & SCRATCH_MASK] = req;
	put_len(&b, 2);
	p_u64(&b, arg_fd(regs->si)); /* pid */
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(init_module_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_INIT_MODULE_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_buf(&b, (const void *)regs->di, regs->si);
	p_u64(&b, regs->si);
	p_user_str(&b, (const void *)regs->dx);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(finit_module_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_FINIT_MODULE_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_user_str(&b, (const void *)regs->si);
	p_u32(&b, (__u32)regs->dx & 7); /* MODULE_INIT_* are PPM_MODULE_INIT_* bit for bit */
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(memfd_create_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_MEMFD_CREATE_X, 3, current_tid()))
		return 0;
	__u32 f = (__u32)regs->si, flags = 0;
	if (f & 1) flags |= 1 << 0; /* MFD_CLOEXEC */
	if (f & 2) flags |= 1 << 1; /* MFD_ALLOW_SEALING */
	if (f & 4) flags |= 1 << 2; /* MFD_HUGETLB */
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_u32(&b, flags);
	submit(&b);
	return 0;
}

/* SOCK_NONBLOCK / SOCK_CLOEXEC bits (the O_* values) to PPM_O_NONBLOCK / PPM_O_CLOEXEC. */
static __always_inline __u32 sock_flags_to_ppm(__u32 f)
{
	return ((f & 04000) ? 1 << 6 : 0) | ((f & 02000000) ? 1 << 12 : 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(socket_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SOCKET_SOCKET_X, 5, current_tid(), FIXED_LEN(5, 8 + 4 * 4)))
		return 0;
	p_u64(&b, ret);
	p_u32(&b, (__u32)regs->di); /* AF_* and PPM_AF_* agree for the families Falco names */
	p_u32(&b, (__u32)regs->si);
	p_u32(&b, (__u32)regs->dx);
	p_u32(&b, sock_flags_to_ppm((__u32)regs->si));
	submit_fixed(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(bind_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SOCKET_BIND_X, 3, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_sockaddr(&b, (const void *)regs->si, (__u32)regs->dx);
	p_u64(&b, arg_fd(regs->di));
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(listen_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SOCKET_LISTEN_X, 3, current_tid(), FIXED_LEN(3, 8 + 8 + 4)))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_u32(&b, (__u32)regs->si);
	submit_fixed(&b);
	return 0;
}

/* accept/accept4: new fd, its tuple (local → remote as the accepted socket sees it) and the listening queue. */
static __always_inline int emit_accept(struct pt_regs *regs, long ret, __u16 type, int with_flags)
{
	struct builder b;
	if (!begin(&b, type, with_flags ? 6 : 5, current_tid()))
		return 0;
	p_u64(&b, ret);
	__u32 len = 0, max = 0;
	__u8 pct = 0;
	if (ret >= 0) {
		p_socktuple(&b, ret, 1, NULL);
		struct file *lf = fd_file(arg_fd(regs->di));
		if (lf) {
			struct socket *ls = BPF_CORE_READ(lf, private_data);
			struct sock *lsk = BPF_CORE_READ(ls, sk);
			len = BPF_CORE_READ(lsk, sk_ack_backlog);
			max = BPF_CORE_READ(lsk, sk_max_ack_backlog);
			if (max)
				pct = (__u8)((__u64)len * 100 / max);
		}
	} else {
		p_empty(&b);
	}
	p_u8(&b, pct);
	p_u32(&b, len);
	p_u32(&b, max);
	if (with_flags)
		p_u32(&b, sock_flags_to_ppm((__u32)regs->r10));
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(accept_x, struct pt_regs *regs, long ret)
{
	return emit_accept(regs, ret, PPME_SOCKET_ACCEPT_5_X, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(accept4_x, struct pt_regs *regs, long ret)
{
	return emit_accept(regs, ret, PPME_SOCKET_ACCEPT4_6_X, 1);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(dup_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SYSCALL_DUP_1_X, 2, current_tid(), FIXED_LEN(2, 8 + 8)))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	submit_fixed(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(dup2_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SYSCALL_DUP2_X, 3, current_tid(), FIXED_LEN(3, 8 + 8 + 8)))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_u64(&b, arg_fd(regs->si));
	submit_fixed(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(dup3_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SYSCALL_DUP3_X, 4, current_tid(), FIXED_LEN(4, 8 + 8 + 8 + 4)))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_u64(&b, arg_fd(regs->si));
	p_u32(&b, ((__u32)regs->dx & 02000000) ? 1 << 12 : 0); /* O_CLOEXEC → PPM_O_CLOEXEC */
	submit_fixed(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(chdir_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_CHDIR_X, 2, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	submit(&b);
	return 0;
}

/* res + one fd-or-id argument as 64 bits (fchdir) or 32 bits (setuid, setgid). */
SEC("tp_btf/sys_exit")
int BPF_PROG(fchdir_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SYSCALL_FCHDIR_X, 2, current_tid(), FIXED_LEN(2, 8 + 8)))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	submit_fixed(&b);
	return 0;
}

static __always_inline int emit_set_id(long ret, __u16 type, __u32 id)
{
	struct builder b;
	if (!begin_fixed(&b, type, 2, current_tid(), FIXED_LEN(2, 8 + 4)))
		return 0;
	p_u64(&b, ret);
	p_u32(&b, id);
	submit_fixed(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(setuid_x, struct pt_regs *regs, long ret)
{
	return emit_set_id(ret, PPME_SYSCALL_SETUID_X, (__u32)regs->di);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(setgid_x, struct pt_regs *regs, long ret)
{
	return emit_set_id(ret, PPME_SYSCALL_SETGID_X, (__u32)regs->di);
}

static __always_inline int emit_set_res_id(struct pt_regs *regs, long ret, __u16 type)
{
	struct builder b;
	if (!begin_fixed(&b, type, 4, current_tid(), FIXED_LEN(4, 8 + 4 + 4 + 4)))
		return 0;
	p_u64(&b, ret);
	p_u32(&b, (__u32)regs->di);
	p_u32(&b, (__u32)regs->si);
	p_u32(&b, (__u32)regs->dx);
	submit_fixed(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(setresuid_x, struct pt_regs *regs, long ret)
{
	return emit_set_res_id(regs, ret, PPME_SYSCALL_SETRESUID_X);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(setresgid_x, struct pt_regs *regs, long ret)
{
	return emit_set_res_id(regs, ret, PPME_SYSCALL_SETRESGID_X);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(open_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_OPEN_X, 6, current_tid()))
		return 0;
	__u32 flags = (__u32)regs->si;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_u32(&b, open_flags_to_ppm(flags) | created_flag(flags, ret));
	p_u32(&b, (flags & (0100 | 020200000)) ? (__u32)regs->dx & 07777 : 0);
	p_dev_ino(&b, ret);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(creat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_CREAT_X, 6, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_u32(&b, (__u32)regs->si & 07777);
	p_dev_ino(&b, ret);
	*(__u16 *)&b.buf[b.off & SCRATCH_MASK] = 0; /* creat_flags: overlay layer flags, not resolved */
	put_len(&b, 2);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(mkdir_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_MKDIR_2_X, 3, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_u32(&b, (__u32)regs->si);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(mkdirat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_MKDIRAT_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_user_str(&b, (const void *)regs->si);
	p_u32(&b, (__u32)regs->dx);
	submit(&b);
	return 0;
}

/* Linux permission bits to PPM_S_*: the nine rwx bits keep their places, setuid/setgid/sticky map one to one. */
static __always_inline __u32 chmod_mode_to_ppm(__u32 m)
{
	return (m & 0777) | ((m & 01000) ? 1 << 9 : 0) | ((m & 02000) ? 1 << 10 : 0) | ((m & 04000) ? 1 << 11 : 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(chmod_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_CHMOD_X, 3, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_u32(&b, chmod_mode_to_ppm((__u32)regs->si));
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(fchmodat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_FCHMODAT_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_user_str(&b, (const void *)regs->si);
	p_u32(&b, chmod_mode_to_ppm((__u32)regs->dx));
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(fchmod_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SYSCALL_FCHMOD_X, 3, current_tid(), FIXED_LEN(3, 8 + 8 + 4)))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_u32(&b, chmod_mode_to_ppm((__u32)regs->si));
	submit_fixed(&b);
	return 0;
}

/* ------------------------------------------------ removal, device nodes, ownership, module removal, sends */

#define PPME_SOCKET_SENDTO_X 31
#define PPME_SOCKET_SENDMSG_X 49
#define PPME_SYSCALL_RMDIR_2_X 279
#define PPME_SYSCALL_CHOWN_X 379
#define PPME_SYSCALL_LCHOWN_X 381
#define PPME_SYSCALL_FCHOWN_X 383
#define PPME_SYSCALL_FCHOWNAT_X 385
#define PPME_SYSCALL_MKNOD_X 415
#define PPME_SYSCALL_MKNODAT_X 417
#define PPME_SYSCALL_DELETE_MODULE_X 425
/* Bytes of a sent buffer copied into sendto events (Falco's default snaplen for data buffers). */
#define SEND_DATA_BYTES 80

SEC("tp_btf/sys_exit")
int BPF_PROG(rmdir_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_RMDIR_2_X, 2, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	submit(&b);
	return 0;
}

/* mknod's mode: the file type and permission bits have the same values in Falco's mknod_mode table as in Linux. */
SEC("tp_btf/sys_exit")
int BPF_PROG(mknod_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_MKNOD_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_u32(&b, (__u32)regs->si);
	p_u32(&b, (__u32)regs->dx);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(mknodat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_MKNODAT_X, 5, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_user_str(&b, (const void *)regs->si);
	p_u32(&b, (__u32)regs->dx);
	p_u32(&b, (__u32)regs->r10);
	submit(&b);
	return 0;
}

/* res, path, uid, gid: chown and lchown. */
static __always_inline int emit_chown(struct pt_regs *regs, long ret, __u16 type)
{
	struct builder b;
	if (!begin(&b, type, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	p_u32(&b, (__u32)regs->si);
	p_u32(&b, (__u32)regs->dx);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(chown_x, struct pt_regs *regs, long ret)
{
	return emit_chown(regs, ret, PPME_SYSCALL_CHOWN_X);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(lchown_x, struct pt_regs *regs, long ret)
{
	return emit_chown(regs, ret, PPME_SYSCALL_LCHOWN_X);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(fchown_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SYSCALL_FCHOWN_X, 4, current_tid(), FIXED_LEN(4, 8 + 8 + 4 + 4)))
		return 0;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_u32(&b, (__u32)regs->si);
	p_u32(&b, (__u32)regs->dx);
	submit_fixed(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(fchownat_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_FCHOWNAT_X, 6, current_tid()))
		return 0;
	__u32 f = (__u32)regs->r8;
	p_u64(&b, ret);
	p_u64(&b, arg_fd(regs->di));
	p_user_str(&b, (const void *)regs->si);
	p_u32(&b, (__u32)regs->dx);
	p_u32(&b, (__u32)regs->r10);
	/* fchownat_flags: AT_SYMLINK_NOFOLLOW (0x100) and AT_EMPTY_PATH (0x1000) in Falco's values. */
	p_u32(&b, ((f & 0x100) ? 1024 : 0) | ((f & 0x1000) ? 4096 : 0));
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(delete_module_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_DELETE_MODULE_X, 3, current_tid()))
		return 0;
	__u32 f = (__u32)regs->si;
	p_u64(&b, ret);
	p_user_str(&b, (const void *)regs->di);
	/* delete_module_flags: O_NONBLOCK (04000) -> 2, O_TRUNC (01000) -> 1. */
	p_u32(&b, ((f & 04000) ? 2 : 0) | ((f & 01000) ? 1 : 0));
	submit(&b);
	return 0;
}

/* res, data, fd, size, tuple: sendto copies the first bytes sent; sendmsg's data lies in an iovec (left empty). */
static __always_inline int emit_send(struct pt_regs *regs, long ret, __u16 type, int with_data)
{
	struct builder b;
	if (!begin(&b, type, 5, current_tid()))
		return 0;
	long fd = (long)(int)regs->di;
	p_u64(&b, ret);
	if (with_data && ret > 0)
		p_user_buf(&b, (const void *)regs->si, ret < SEND_DATA_BYTES ? ret : SEND_DATA_BYTES);
	else
		p_empty(&b);
	p_u64(&b, fd);
	p_u32(&b, with_data ? (__u32)regs->dx : (__u32)(ret > 0 ? ret : 0));
	p_socktuple(&b, fd, 0, with_data ? (const void *)regs->r8 : NULL);
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sendto_x, struct pt_regs *regs, long ret)
{
	return emit_send(regs, ret, PPME_SOCKET_SENDTO_X, 1);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sendmsg_x, struct pt_regs *regs, long ret)
{
	return emit_send(regs, ret, PPME_SOCKET_SENDMSG_X, 0);
}

/* ------------------------------------------------------------------------------- session, pipes, capabilities */

#define PPME_SYSCALL_PIPE_X 61
#define PPME_SYSCALL_SETSID_X 275
#define PPME_SYSCALL_CAPSET_X 353
#define PPME_SYSCALL_PIPE2_X 393

SEC("tp_btf/sys_exit")
int BPF_PROG(setsid_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin_fixed(&b, PPME_SYSCALL_SETSID_X, 1, current_tid(), FIXED_LEN(1, 8)))
		return 0;
	p_u64(&b, ret); /* the new session id, or -errno */
	submit_fixed(&b);
	return 0;
}

/* pipe/pipe2: res, the two fds written to the user array, the pipe's inode (0 on failure), pipe2's flags. */
static __always_inline int emit_pipe(struct pt_regs *regs, long ret, __u16 type, int with_flags)
{
	struct builder b;
	if (!begin(&b, type, with_flags ? 5 : 4, current_tid()))
		return 0;
	int fds[2] = {-1, -1};
	__u64 ino = 0;
	if (ret == 0 && bpf_probe_read_user(fds, sizeof(fds), (const void *)regs->di) == 0) {
		struct file *file = fd_file(fds[0]);
		if (file)
			ino = BPF_CORE_READ(file, f_inode, i_ino);
	}
	p_u64(&b, ret);
	p_u64(&b, (__s64)fds[0]);
	p_u64(&b, (__s64)fds[1]);
	p_u64(&b, ino);
	if (with_flags) {
		__u32 f = (__u32)regs->si, flags = 0;
		if (f & 04000) flags |= 1 << 6;    /* O_NONBLOCK → PPM_O_NONBLOCK */
		if (f & 040000) flags |= 1 << 9;   /* O_DIRECT → PPM_O_DIRECT */
		if (f & 02000000) flags |= 1 << 12;/* O_CLOEXEC → PPM_O_CLOEXEC */
		p_u32(&b, flags);
	}
	submit(&b);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(pipe_x, struct pt_regs *regs, long ret)
{
	return emit_pipe(regs, ret, PPME_SYSCALL_PIPE_X, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(pipe2_x, struct pt_regs *regs, long ret)
{
	return emit_pipe(regs, ret, PPME_SYSCALL_PIPE2_X, 1);
}

/* capset: res and the three capability sets of the task's credentials after the call (raw kernel bits, as execve). */
SEC("tp_btf/sys_exit")
int BPF_PROG(capset_x, struct pt_regs *regs, long ret)
{
	struct builder b;
	if (!begin(&b, PPME_SYSCALL_CAPSET_X, 4, current_tid()))
		return 0;
	p_u64(&b, ret);
	p_caps(&b, BPF_CORE_READ((struct task_struct *)bpf_get_current_task_btf(), cred));
	submit(&b);
	return 0;
}
