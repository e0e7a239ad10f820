#!/usr/bin/env python3
"""CPU time of a process's threads, grouped by name, between two snapshots (used by http-load.sh).

    thread-cpu.py snap PID > before.tsv          one line per thread: tid, user+sys, user, sys ticks, name
    thread-cpu.py diff before.tsv after.tsv N    per name group (digits folded), microseconds per request

A group is a thread name with its numbers folded ("eventLoopGroupProxy-3-1" and "-3-2" are one
group), so one line shows, say, all Netty event loops or all corun carriers. This is what showed
that a hello-world load kept corun's one reactor thread busy while the carriers sat idle.
"""
import os
import re
import sys


def snap(pid):
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:  # the thread ended
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        user, sys_ = int(fields[11]), int(fields[12])
        print(tid, user + sys_, user, sys_, name, sep="\t")


def load(path):
    threads = {}
    for line in open(path):
        tid, total, user, sys_, name = line.rstrip("\n").split("\t")
        threads[tid] = (name, int(total), int(user), int(sys_))
    return threads


def diff(before_path, after_path, requests):
    before, after = load(before_path), load(after_path)
    per_us = 1e6 / os.sysconf("SC_CLK_TCK") / requests
    groups = {}
    for tid, (name, total, user, sys_) in after.items():
        _, total0, user0, sys0 = before.get(tid, (name, 0, 0, 0))
        group = groups.setdefault(re.sub(r"\d+", "N", name), [0, 0, 0, 0])
        group[0] += total - total0
        group[1] += user - user0
        group[2] += sys_ - sys0
        group[3] += 1
    for name, (total, user, sys_, count) in sorted(groups.items(), key=lambda g: -g[1][0]):
        if total > 0:
            print(f"    {name:32s} {count:3d} threads {total * per_us:7.2f} us/req"
                  f" (user {user * per_us:.2f}, sys {sys_ * per_us:.2f})")


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(sys.argv[2])
    else:
        diff(sys.argv[2], sys.argv[3], int(sys.argv[4]))
