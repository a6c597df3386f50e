import Glibc

/// Runs independent pieces of work on a few threads and hands the results back in order.
///
/// `config format` over thousands of files spends as much time in system calls as in parsing;
/// spreading the files over the machine's cores while printing results in argument order keeps
/// the output byte for byte what a sequential run prints.
enum OrderedParallel {
    /// The number of online processors (at least 1).
    static var processorCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Computes `work(i)` for every `i` in `0..<count` on `threads` threads (in chunks of
    /// `chunk` indices) and calls `deliver(i, result)` on the calling thread in index order. At
    /// most `window` chunks are computed ahead of the one being delivered, so memory stays bounded.
    static func forEach<R: Sendable>(
        count: Int, threads: Int, chunk: Int = 32, window: Int = 8,
        work: @escaping @Sendable (Int) -> R, deliver: (Int, R) -> Void
    ) {
        let chunks = (count + chunk - 1) / chunk
        let threads = min(threads, chunks)
        guard threads > 1 else {
            for i in 0..<count { deliver(i, work(i)) }
            return
        }
        let shared = Shared<R>(count: count, chunk: chunk, window: window, work: work)
        var workers: [pthread_t] = []
        for _ in 0..<threads {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(shared).toOpaque()
            if pthread_create(
                &thread, nil,
                { context in
                    Unmanaged<AnyWorker>.fromOpaque(context!).takeRetainedValue().runWorker()
                    return nil
                }, context) == 0
            {
                workers.append(thread)
            } else {
                Unmanaged<Shared<R>>.fromOpaque(context).release()
            }
        }
        if workers.isEmpty {
            for i in 0..<count { deliver(i, work(i)) }
            return
        }
        for c in 0..<chunks {
            for (offset, result) in shared.take(chunk: c).enumerated() { deliver(c * chunk + offset, result) }
        }
        for thread in workers { pthread_join(thread, nil) }
    }

    /// The type-erased worker entry (a C thread function cannot be generic).
    class AnyWorker {
        func runWorker() {}
    }

    /// The queue of chunks, their results, and the lock and condition that guard them.
    final class Shared<R: Sendable>: AnyWorker, @unchecked Sendable {
        private let count: Int
        private let chunk: Int
        private let window: Int
        private let work: @Sendable (Int) -> R
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        // Guarded by `mutex`.
        private var nextChunk = 0
        private var delivered = 0
        private var done: [Int: [R]] = [:]

        init(count: Int, chunk: Int, window: Int, work: @escaping @Sendable (Int) -> R) {
            self.count = count
            self.chunk = chunk
            self.window = window
            self.work = work
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(changed, nil)
        }

        deinit {
            pthread_cond_destroy(changed)
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
            changed.deallocate()
        }

        override func runWorker() {
            let chunks = (count + chunk - 1) / chunk
            while true {
                pthread_mutex_lock(mutex)
                while nextChunk < chunks && nextChunk >= delivered + window { pthread_cond_wait(changed, mutex) }
                let c = nextChunk
                nextChunk += 1
                pthread_mutex_unlock(mutex)
                guard c < chunks else { return }
                let results = (c * chunk..<min(count, (c + 1) * chunk)).map(work)
                pthread_mutex_lock(mutex)
                done[c] = results
                pthread_cond_broadcast(changed)
                pthread_mutex_unlock(mutex)
            }
        }

        /// Waits for chunk `c` and removes its results (the caller takes chunks in order).
        func take(chunk c: Int) -> [R] {
            pthread_mutex_lock(mutex)
            while done[c] == nil { pthread_cond_wait(changed, mutex) }
            let results = done.removeValue(forKey: c) ?? []
            delivered = c + 1
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
            return results
        }
    }
}
