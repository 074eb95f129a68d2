// Idle CPU of the preview's file watcher alone, polling (the old preview loop) against inotify, on one content tree:
//   swiftc -O -swift-version 6 -o /tmp/watch_idle bench/watch_idle/main.swift Sources/PorticoPreview/{InotifyWatcher,FileChanges,ChangeWatcher}.swift
//   /tmp/watch_idle poll <content> 20; /tmp/watch_idle inotify <content> 20
import Foundation
let args = CommandLine.arguments
let folders = [URL(fileURLWithPath: args[2])]
let seconds = Double(args[3]) ?? 20
func cpu() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
let started = Date()
let feed = ChangeFeed.start(folders: folders, poll: args[1] == "poll", interval: .milliseconds(250))
print("mechanism \(feed.mechanism.rawValue), watching set up in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
Task.detached { for await change in feed.changes { print("change", change) } }
Thread.sleep(forTimeInterval: 2)
let before = cpu(), t0 = Date()
Thread.sleep(forTimeInterval: seconds)
let used = cpu() - before, elapsed = Date().timeIntervalSince(t0)
print(String(format: "idle: %.2f s CPU in %.1f s = %.1f %% of one core", used, elapsed, 100 * used / elapsed))
