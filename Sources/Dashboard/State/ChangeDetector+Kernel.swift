import Emulator

extension ChangeDetector {
  /// The teaching kernel's queue and tasks: every event pushed since the previous snapshot (indices from the
  /// previous tail to the new one, whether the bottom half already took them or not), and every task whose state or
  /// wait reason changed or that appeared.
  static func markKernel(
    _ now: TeachingKernelView?, previous: TeachingKernelView?, into history: inout HighlightHistory
  ) {
    guard let now, let previous else { return }
    let queue = now.eventQueue
    // The indices are free-running; more new events than the ring holds means only the ring's worth is still there.
    let pushed = min(queue.tail &- previous.eventQueue.tail, queue.capacity)
    if pushed > 0 {
      for offset in 0..<pushed { history.mark(.kernelEvent(queue.tail &- pushed &+ offset)) }
    }
    let before = Dictionary(previous.tasks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    for task in now.tasks {
      guard let old = before[task.id] else {
        history.mark(.kernelTask(task.id))
        continue
      }
      if old.state != task.state || old.blockedOn != task.blockedOn || old.name != task.name {
        history.mark(.kernelTask(task.id))
      }
    }
  }
}
