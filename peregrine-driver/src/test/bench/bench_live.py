#!/usr/bin/env python3
"""Live driver overhead benchmark, run by bin/bench-live (root): workloads timed with and without the engine.

Each workload runs alternately without and with `peregrine run` (the real CLI path: the bundled stable ruleset,
in-kernel selection from the rules' event types, the /proc scan, state and rules on every event), ROUNDS times,
the order swapped every round. The engine is started before each "with" run and stopped (SIGTERM) after it, so
every "with" run gets its own summary line (events read, dropped in the kernel) and its own CPU and RSS figures
from /proc. Wall-time ratios are medians over the rounds.

A second pass (kernel.bpf_stats_enabled=1, which itself adds two clock reads per program run, so it is kept out of
the timed rounds) runs each micro workload once with the engine and reads run_time_ns / run_cnt of the driver's
programs with bpftool: the in-kernel cost per syscall, separated from the wall time.

A third pass drives the open/close loop from several processes at once and reports the event rate the engine
sustained and its drops. A fourth (the cheap rate pass) does the same with loops of cheap selected syscalls
(close(-1) failing with EBADF: one event per ~0.2-0.5 us of the workload; dup + close: two) from 1 and 2
processes, unpaced and paced to fixed event rates (--rates), so that the workload can produce well over 500k
events/s while leaving the engine a CPU.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
READY_LINE = "live detection with"
SUMMARY = re.compile(r"peregrine: (\d+) events, (\d+) alerts, (\d+) dropped in the kernel")
DRIVER_PROGRAMS = ("sys_exit_dispatch", "sched_exec", "sched_exit")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Engine:
    """One `peregrine run` process: started, waited for until ready, sampled from /proc, stopped with SIGTERM."""

    def __init__(self, cmd, workdir):
        self.cmd = cmd
        self.err_path = os.path.join(workdir, "engine.err")
        self.out_path = os.path.join(workdir, "engine.out")

    def __enter__(self):
        self.err = open(self.err_path, "w")
        self.out = open(self.out_path, "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self.out, stderr=self.err)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("engine exited before it was ready:\n" + open(self.err_path).read())
            with open(self.err_path) as f:
                if READY_LINE in f.read():
                    break
            time.sleep(0.1)
        else:
            raise SystemExit("engine not ready within 120 s")
        time.sleep(1.0)  # let start-up work (JIT of the first events, the /proc scan's garbage) settle
        return self

    def wait_idle(self, timeout=60.0, step=0.5):
        """Waits until the engine has caught up (its CPU time grows by less than 5 % of a CPU, or one clock tick, over `step` seconds);
        returns the seconds waited until the first such quiet step began: how far behind the workload it was,
        to within one step."""
        t0 = time.time()
        last = self.cpu_seconds()
        while time.time() - t0 < timeout:
            began = time.time()
            time.sleep(step)
            now = self.cpu_seconds()
            if now - last < max(0.05 * step, 1.5 / CLK_TCK):
                return began - t0
            last = now
        return time.time() - t0

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def rss_kib(self):
        rss = hwm = 0
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return rss, hwm

    def stop(self):
        """Stops the engine (SIGTERM) and returns (events, drops, alerts) from its summary; (-1, -1, alerts) when it
        printed none (it gives itself a few seconds to finish after the signal)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.close()
        self.out.close()
        with open(self.err_path) as f:
            text = f.read()
        m = SUMMARY.search(text)
        with open(self.out_path) as f:
            alerts = sum(1 for _ in f)
        if not m:
            log("no summary line from the engine: " + text[-300:])
            return -1, -1, alerts
        return int(m.group(1)), int(m.group(3)), alerts

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_workload(argv, cwd=None):
    """Runs a workload; returns (wall seconds, its own CPU ns per iteration, or None for commands)."""
    t0 = time.perf_counter()
    res = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"workload {argv} failed ({res.returncode}): {res.stderr[-2000:]}")
    m = re.search(r"cpu_ns_per_op=([0-9.]+)", res.stdout)
    return wall, float(m.group(1)) if m else None


def repeat(argv, times, cwd=None):
    """A command run `times` times in a row, as one workload (git status, a compile)."""
    return ["bash", "-c", 'for i in $(seq %d); do "$@" >/dev/null || exit 1; done' % times, "repeat"] + argv


def bpf_programs():
    out = subprocess.run(["bpftool", "prog", "show", "--json"], stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads(out or "[]")


def fdinfo_ids(pid, key):
    """Ids under `key` ("prog_id:" or "map_id:") in the process's /proc/PID/fdinfo: the eBPF objects it holds a
    descriptor of (other sessions may have their own copies of the driver loaded at the same time)."""
    ids = set()
    fdinfo = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                for line in f:
                    if line.startswith(key):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def engine_prog_ids(pid):
    """Ids of the eBPF programs the process holds a descriptor of."""
    return fdinfo_ids(pid, "prog_id:")


def driver_program_stats(engine_pid):
    """{name: (run_cnt, run_time_ns)} of the driver's programs loaded by the engine process."""
    stats = {}
    ids = engine_prog_ids(engine_pid)
    for p in bpf_programs():
        name = p.get("name", "")
        if p.get("id") not in ids:
            continue
        if not (name in DRIVER_PROGRAMS or name.endswith("_x")):
            continue
        cnt, ns = stats.get(name, (0, 0))
        stats[name] = (cnt + p.get("run_cnt", 0), ns + p.get("run_time_ns", 0))
    return stats


def dispatchers_attached():
    return sum(1 for p in bpf_programs() if p.get("name") == "sys_exit_dispatch")


def selected_syscalls(run_cmd):
    """The syscalls `peregrine run` selects for the bundled rules, from its start-up line."""
    res = subprocess.run(run_cmd + ["--duration", "0.2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    m = re.search(r"on syscalls \[([^\]]*)\]", res.stderr)
    if not m:
        raise SystemExit("cannot tell which syscalls `peregrine run` selects:\n" + res.stderr[-2000:])
    return m.group(1).replace(" ", "")


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the iteration counts")
    ap.add_argument("--only", default="", help="comma-separated workload names to run")
    ap.add_argument("--root", required=True)
    ap.add_argument("--workload-bin", required=True)
    ap.add_argument("--no-maven", action="store_true")
    ap.add_argument("--no-kernel-pass", action="store_true")
    ap.add_argument("--no-rate-pass", action="store_true")
    ap.add_argument("--no-cheap-rate-pass", action="store_true")
    ap.add_argument("--rates", default="0,500000,600000",
                    help="cheap rate pass: target events/s of the workload (0 = as fast as it goes)")
    ap.add_argument("--rate-procs", default="1,2", help="cheap rate pass: numbers of workload processes")
    ap.add_argument("--rate-events", type=int, default=3_000_000, help="cheap rate pass: events per run")
    ap.add_argument("--rate-modes", default="closebad,dupclose", help="cheap rate pass: workloads")
    ap.add_argument("--engine", choices=("run", "drain"), default="run",
                    help="run: `peregrine run` (default); drain: the driver alone (LiveDrain.java, same syscalls)")
    ap.add_argument("--drain-classpath", default="")
    ap.add_argument("--drain-syscalls", default="",
                    help="with --engine drain: these syscalls (comma-separated), not those `peregrine run` selects")
    args = ap.parse_args()

    root, wl = args.root, args.workload_bin
    # Falco's stable ruleset named explicitly: the figures compare with Falco's (the default also has Peregrine's)
    engine_cmd = [os.path.join(root, "bin", "peregrine"), "run", "-r", "falco_rules.yaml"]
    if args.engine == "drain":
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
        engine_cmd = [java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-cp", args.drain_classpath,
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "LiveDrain.java"),
                      args.drain_syscalls or selected_syscalls(engine_cmd)]
    work = tempfile.mkdtemp(prefix="bench-live-")
    n = lambda base: str(max(1, int(base * args.scale)))

    micro = {
        "openclose": [wl, "openclose", n(300_000)],
        "openread": [wl, "openread", n(300_000)],
        "read": [wl, "read", n(1_000_000)],
        "stat": [wl, "stat", n(1_000_000)],
        "getppid": [wl, "getppid", n(2_000_000)],
        "connect": [wl, "connect", n(20_000)],
        "closebad": [wl, "closebad", n(2_000_000)],
        "dupclose": [wl, "dupclose", n(1_000_000)],
    }
    workloads = dict(micro)
    workloads["git-status"] = repeat(["git", "-C", root, "status", "--porcelain"], int(n(20)))
    mvn_dir = None
    if not args.no_maven and shutil.which("mvn"):
        # A temp copy of one small module with the root pom as its parent: `mvn -o -q compile` from clean.
        mvn_dir = os.path.join(work, "mvn")
        os.makedirs(mvn_dir)
        shutil.copy(os.path.join(root, "pom.xml"), mvn_dir)
        shutil.copytree(os.path.join(root, "peregrine-event"), os.path.join(mvn_dir, "peregrine-event"),
                        ignore=shutil.ignore_patterns("target"))
        workloads["mvn-compile"] = ["bash", "-c", "rm -rf peregrine-event/target && "
                                    "mvn -o -q -B -Dstyle.color=never -f peregrine-event/pom.xml compile"]
    if args.only:
        keep = set(args.only.split(","))
        workloads = {k: v for k, v in workloads.items() if k in keep}
        micro = {k: v for k, v in micro.items() if k in keep}

    with open("/proc/loadavg") as f:
        load_before = " ".join(f.read().split()[:3])
    print(f"machine: {os.cpu_count()} CPUs, kernel {os.uname().release}, load average {load_before} at start")
    shown = "peregrine run (stable rules)" if args.engine == "run" else "LiveDrain " + engine_cmd[-1]
    print(f"engine: {shown}; rounds {args.rounds}; scale {args.scale}")
    other = dispatchers_attached()
    if other:
        print(f"warning: {other} other Peregrine dispatcher(s) attached before the run (other sessions' tests): "
              "their cost is in both columns")

    results = {k: {"off": [], "on": [], "op_off": [], "op_on": []} for k in workloads}
    engine_rows = []
    cwd = {"mvn-compile": mvn_dir}
    for r in range(args.rounds):
        for name, argv in workloads.items():
            order = ("off", "on") if r % 2 == 0 else ("on", "off")
            for mode in order:
                if mode == "off":
                    wall, op = run_workload(argv, cwd.get(name))
                else:
                    with Engine(engine_cmd, work) as eng:
                        cpu0 = eng.cpu_seconds()
                        wall, op = run_workload(argv, cwd.get(name))
                        lag = eng.wait_idle()  # the engine works off what is left in the rings
                        cpu = eng.cpu_seconds() - cpu0
                        rss, hwm = eng.rss_kib()
                        events, drops, alerts = eng.stop()
                    engine_rows.append((name, wall, lag, events, drops, alerts, cpu, rss, hwm))
                results[name][mode].append(wall)
                results[name]["op_" + mode].append(op)
                log(f"round {r + 1} {name:12s} {mode:3s} {wall:8.3f} s" + (f"  {op:.1f} CPU ns/op" if op else ""))

    print()
    print("## wall time, median of %d rounds (engine off / on, alternating)" % args.rounds)
    print("ns/op: the workload process's own CPU time per iteration (CLOCK_PROCESS_CPUTIME_ID), which excludes time")
    print("spent waiting for a CPU; +ns/op is the cost the engine adds to one iteration's syscalls.")
    print(f"{'workload':13s} {'off s':>8s} {'on s':>8s} {'ratio':>7s} {'ns/op off':>10s} {'ns/op on':>10s} "
          f"{'+ns/op':>8s}")
    for name, res in results.items():
        if not res["off"]:
            continue
        off, on = median(res["off"]), median(res["on"])
        line = f"{name:13s} {off:8.3f} {on:8.3f} {on / off:7.3f}"
        if res["op_off"][0] is not None:
            ooff, oon = median(res["op_off"]), median(res["op_on"])
            line += f" {ooff:10.1f} {oon:10.1f} {oon - ooff:8.1f}"
        print(line)

    print()
    print("## engine per \"on\" run: events (all of the machine's selected syscalls, from its summary) and drops;")
    print("lag: seconds after the workload until the engine was idle again; events/s over workload + lag; CPU of")
    print("the engine process (all threads) over the same span; RSS and its high-water mark from /proc at the end")
    print(f"{'workload':13s} {'wall s':>7s} {'lag s':>6s} {'events':>9s} {'events/s':>9s} {'drops':>6s} "
          f"{'alerts':>6s} {'cpu s':>6s} {'cpu ns/ev':>9s} {'RSS MiB':>8s} {'HWM MiB':>8s}")
    for name, wall, lag, events, drops, alerts, cpu, rss, hwm in engine_rows:
        print(f"{name:13s} {wall:7.3f} {lag:6.2f} {events:9d} {events / (wall + lag):9.0f} {drops:6d} "
              f"{alerts:6d} {cpu:6.2f} {cpu * 1e9 / max(events, 1):9.0f} {rss / 1024:8.1f} {hwm / 1024:8.1f}")

    if not args.no_kernel_pass and micro:
        drain_none = engine_cmd if args.engine == "drain" else None
        if drain_none is None:
            java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
            drain_none = [java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-cp",
                          args.drain_classpath,
                          os.path.join(os.path.dirname(os.path.abspath(__file__)), "LiveDrain.java"), "none"]
        else:
            drain_none = engine_cmd[:-1] + ["none"]
        kernel_pass(micro, engine_cmd, drain_none, work)
    if not args.no_rate_pass and (not args.only or "openclose" in args.only.split(",")):
        rate_pass(wl, n, engine_cmd, work)
    if not args.no_cheap_rate_pass and (not args.only or "rate" in args.only.split(",")):
        cheap_rate_pass(wl, args, engine_cmd, work)
    with open("/proc/loadavg") as f:
        print(f"\nload average at end: {' '.join(f.read().split()[:3])}")
    shutil.rmtree(work, ignore_errors=True)


def kernel_pass(micro, engine_cmd, drain_none, work):
    """In-kernel cost per syscall exit. The dispatcher runs on every syscall of the machine, and its figures include
    the programs it tail-calls, so one run of the driver selecting nothing (LiveDrain none, under the getppid loop)
    gives the unselected cost u; then, under each workload, the engine's dispatcher ran n times for T ns and
    delivered E events, of which the sched_* programs made s, so the selected exits cost (T - (n - (E - s)) u) /
    (E - s). Counters run from the program's load to the engine's stop, the span its event count covers."""
    path = "/proc/sys/kernel/bpf_stats_enabled"
    with open(path) as f:
        saved = f.read().strip()
    print()
    print("## in-kernel cost (kernel.bpf_stats_enabled=1, which adds its own clock reads to every run)")
    print("u: dispatcher ns per unselected exit (driver selecting nothing); sel: ns per selected exit (tail call,")
    print("event built and written) derived from the dispatcher's total time, its run count and the events delivered.")
    try:
        with open(path, "w") as f:
            f.write("1")
        with Engine(drain_none, work) as eng:
            run_workload(micro.get("getppid") or next(iter(micro.values())))
            stats = driver_program_stats(eng.proc.pid)
            eng.stop()
        n, t = stats.get("sys_exit_dispatch", (1, 0))
        u = t / max(n, 1)
        print(f"unselected: {u:.1f} ns per exit over {n} exits (all syscalls of the machine)")
        print(f"{'workload':13s} {'exits':>10s} {'selected':>10s} {'ns/exit':>8s} {'sel ns':>8s} "
              f"{'sched ns':>8s}")
        for name, argv in micro.items():
            with Engine(engine_cmd, work) as eng:
                run_workload(argv)
                eng.wait_idle()
                stats = driver_program_stats(eng.proc.pid)
                events, _, _ = eng.stop()
            n, t = stats.get("sys_exit_dispatch", (1, 0))
            sched_n = sum(stats.get(p, (0, 0))[0] for p in ("sched_exec", "sched_exit"))
            sched_t = sum(stats.get(p, (0, 0))[1] for p in ("sched_exec", "sched_exit"))
            selected = max(events - sched_n, 1)
            if events < 0:
                print(f"{name:13s} (no summary from the engine)")
                continue
            sel = (t - (n - selected) * u) / selected
            print(f"{name:13s} {n:10d} {selected:10d} {t / max(n, 1):8.1f} {sel:8.1f} "
                  f"{sched_t / max(sched_n, 1):8.1f}")
    finally:
        with open(path, "w") as f:
            f.write(saved)


def rate_pass(wl, n, engine_cmd, work):
    print()
    print("## event rate: open/close loops in P processes at once with the engine (2 events per iteration)")
    print("produced/s: events over the workload's wall time (the rate the kernel wrote them); delivered/s: over")
    print("workload + lag (the rate the engine judged them)")
    print(f"{'procs':>5s} {'wall s':>7s} {'lag s':>6s} {'events':>9s} {'produced/s':>9s} {'delivered/s':>9s} "
          f"{'drops':>6s} {'cpu s':>6s} {'RSS MiB':>8s}")
    for procs in (1, 2, 4):
        with Engine(engine_cmd, work) as eng:
            cpu0 = eng.cpu_seconds()
            wall, _ = run_workload([wl, "openclose", n(500_000), str(procs)])
            lag = eng.wait_idle()
            cpu = eng.cpu_seconds() - cpu0
            rss, _ = eng.rss_kib()
            events, drops, _ = eng.stop()
        print(f"{procs:5d} {wall:7.3f} {lag:6.2f} {events:9d} {events / wall:9.0f} {events / (wall + lag):9.0f} "
              f"{drops:6d} {cpu:6.2f} {rss / 1024:8.1f}")


# Events per iteration of the cheap rate workloads (live_workload.c).
CHEAP_EVENTS = {"closebad": 1, "dupclose": 2}


def engine_map_ids(pid):
    """{map name: id} of the eBPF maps the process holds a descriptor of (bpftool's names, cut to 15 bytes)."""
    ids = fdinfo_ids(pid, "map_id:")
    out = subprocess.run(["bpftool", "map", "show", "--json"], stdout=subprocess.PIPE, text=True, check=True).stdout
    return {m.get("name", ""): m["id"] for m in json.loads(out or "[]") if m.get("id") in ids}


def kernel_drops(pid):
    """The engine's driver drop counter (key 0 of the per-CPU `drops` map, every reason) summed over CPUs, read
    with bpftool; -1 when the map is not found."""
    mid = engine_map_ids(pid).get("drops")
    if mid is None:
        return -1
    out = subprocess.run(["bpftool", "map", "lookup", "id", str(mid), "key", "0", "0", "0", "0", "--json"],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    entry = json.loads(out)
    values = entry.get("formatted", entry).get("values", [])
    total = 0
    for v in values:
        val = v.get("value")
        if isinstance(val, list):  # raw bytes, little-endian
            val = int.from_bytes(bytes(int(x, 16) for x in val), "little")
        total += int(val)
    return total


def ctx_switches(pid):
    """Voluntary and involuntary context switches summed over the process's threads."""
    vol = invol = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        vol += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        invol += int(line.split()[1])
        except OSError:
            pass
    return vol, invol


def cheap_rate_pass(wl, args, engine_cmd, work):
    print()
    print("## event rate, cheap selected syscalls: closebad = close(-1) (1 event per iteration), dupclose = dup +")
    print("close (2); target = the workload's paced events/s (0: unpaced). produced/s: the workload's own events over")
    print("its wall time; events: the engine's count (every selected syscall of the machine); judged/s: events over")
    print("workload + lag (until the engine was idle again); drops: the engine's summary / the kernel's `drops` map")
    print("read just before the stop; cpu ns/ev: engine CPU (all threads) over workload + lag per event; vcsw:")
    print("the engine's voluntary context switches (sleeps) over the same span")
    print(f"{'mode':9s} {'procs':>5s} {'target/s':>9s} {'wall s':>7s} {'lag s':>6s} {'produced/s':>10s} "
          f"{'events':>9s} {'judged/s':>9s} {'drops':>11s} {'cpu s':>6s} {'cpu ns/ev':>9s} {'vcsw':>7s} "
          f"{'RSS MiB':>8s} {'wl cpu ns':>9s}")
    for mode in args.rate_modes.split(","):
        per_iter = CHEAP_EVENTS[mode]
        for procs in (int(p) for p in args.rate_procs.split(",")):
            for target in (int(float(r)) for r in args.rates.split(",")):
                iters = max(1, args.rate_events // per_iter // procs)
                argv = [wl, mode, str(iters), str(procs), str(target / per_iter)]
                with Engine(engine_cmd, work) as eng:
                    cpu0 = eng.cpu_seconds()
                    vol0, _ = ctx_switches(eng.proc.pid)
                    wall, op = run_workload(argv)
                    lag = eng.wait_idle(step=0.1)
                    cpu = eng.cpu_seconds() - cpu0
                    vol1, _ = ctx_switches(eng.proc.pid)
                    rss, _ = eng.rss_kib()
                    kdrops = kernel_drops(eng.proc.pid)
                    events, drops, _ = eng.stop()
                produced = iters * procs * per_iter
                print(f"{mode:9s} {procs:5d} {target:9d} {wall:7.3f} {lag:6.2f} {produced / wall:10.0f} "
                      f"{events:9d} {events / (wall + lag):9.0f} {f'{drops}/{kdrops}':>11s} {cpu:6.2f} "
                      f"{cpu * 1e9 / max(events, 1):9.0f} {vol1 - vol0:7d} {rss / 1024:8.1f} {op:9.1f}",
                      flush=True)


if __name__ == "__main__":
    main()
