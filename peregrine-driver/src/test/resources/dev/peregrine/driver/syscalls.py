# Performs each syscall LiveSyscallsTest checks, by number (x86_64), from one thread, in a directory given as argv[1].
# Prints key=value lines the test compares with the events.
import ctypes, os, signal, socket, sys, time

libc = ctypes.CDLL(None, use_errno=True)
S = libc.syscall
S.restype = ctypes.c_long
d = sys.argv[1].encode()
AT_FDCWD = -100

def p(name):
    return d + b"/" + name

def out(key, value):
    if value == -1:
        value = -ctypes.get_errno()
    print(f"{key}={value}", flush=True)

dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
out("dirfd", dfd)
fd = S(2, p(b"open.txt"), os.O_CREAT | os.O_WRONLY, 0o640)
out("open", fd)
S(3, fd)
out("creat", S(85, p(b"creat.txt"), 0o600))
creat = S(85, p(b"creat.txt"), 0o600)
out("link", S(86, p(b"open.txt"), p(b"link1")))
out("linkat", S(265, dfd, b"open.txt", AT_FDCWD, p(b"link2"), 0x400))
out("symlink", S(88, b"/etc/shadow", p(b"sym1")))
out("symlinkat", S(266, b"/etc/shadow", dfd, b"sym2"))
out("unlink", S(87, p(b"link1")))
out("unlinkat", S(263, dfd, b"link2", 0))
out("rename", S(82, p(b"sym1"), p(b"sym1r")))
out("renameat", S(264, dfd, b"sym2", dfd, b"sym2r"))
out("renameat2", S(316, dfd, b"sym2r", dfd, b"sym2n", 1))
out("mkdir", S(83, p(b"dir1"), 0o755))
out("mkdirat", S(258, dfd, b"dir2", 0o700))
out("rmdir", S(263, dfd, b"dir2", 0x200))
out("chmod", S(90, p(b"open.txt"), 0o4755))
out("fchmodat", S(268, dfd, b"open.txt", 0o644, 0))
out("fchmod", S(91, creat, 0o600))
out("chdir", S(80, p(b"dir1")))
out("fchdir", S(81, dfd))
out("dup", S(32, creat))
out("dup2", S(33, creat, 40))
out("dup3", S(292, creat, 41, os.O_CLOEXEC))
out("setuid", S(105, os.getuid()))
out("setgid", S(106, os.getgid()))
out("setresuid", S(117, -1, -1, -1))
out("setresgid", S(119, -1, -1, -1))
out("memfd_create", S(319, b"pg-memfd", 1))
out("socket", S(41, 2, 1 | os.O_NONBLOCK, 0))
out("init_module", S(175, b"not-a-module", 12, b"pg=1"))
out("finit_module", S(313, creat, b"pg=2", 0))

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(7)
port = server.getsockname()[1]
out("server", server.fileno())
out("port", port)
client = socket.create_connection(("127.0.0.1", port))
conn, peer = server.accept()
out("accepted", conn.fileno())
out("peerport", peer[1])
client2 = socket.create_connection(("127.0.0.1", port))
out("accept", S(43, server.fileno(), 0, 0))
out("peerport2", client2.getsockname()[1])

child = os.fork()
if child == 0:
    time.sleep(30)
    os._exit(0)
out("child", child)
out("attach", S(101, 16, child, 0, 0))
os.waitpid(child, 0)
out("detach", S(101, 17, child, 0, 0))
os.kill(child, signal.SIGKILL)
os.waitpid(child, 0)
