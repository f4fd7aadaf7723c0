import CCurl
import POSIXThread

/// The HTTP client transport of the account core, over libcurl.
///
/// Transfers on one session share its idle handles, so sequential requests
/// to one host reuse one kept-alive connection; concurrent ones each use a
/// handle of their own. TLS certificates and host names are always verified.
/// No redirect is followed: every method gets the 3xx response itself, so
/// a request and its token go nowhere else. The idle handles, and with them their
/// connections, are cleaned up when the session is released.
package final class CurlSession: Sendable {
    /// The limits every transfer of this session runs with.
    package let configuration: Configuration
    /// The idle handles.
    let pool = CurlHandlePool()
    /// The thread sequential transfers run on; one that finds it busy gets
    /// a thread of its own.
    let worker = WorkerThread()

    /// A session with `configuration`.
    package init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Performs `request` on the calling thread and returns the final response.
    ///
    /// `isCancelled` is polled during the transfer (by curl's progress
    /// callback, and at least every 100 ms); once it returns true the
    /// transfer is aborted with `.cancelled`.
    package func perform(_ request: CurlRequest, isCancelled: @Sendable () -> Bool) throws(CurlError) -> CurlResponse {
        try transfer(request, isCancelled: isCancelled, cancellation: nil)
    }

    /// The session's own thread as a task executor. A task that sends
    /// request after request and prefers it (`withTaskExecutorPreference`)
    /// runs each transfer right where it is: no thread is woken to start
    /// it, none to resume the task after.
    package var executor: any TaskExecutor { worker.executor }

    /// Performs `request` off Swift's cooperative pool (on the session's
    /// worker thread, or a thread of its own when that one is busy; in
    /// place when the caller already runs on the worker, preferring
    /// `executor`), and returns the final response. Cancelling the task
    /// aborts the transfer at once with `.cancelled`.
    package func perform(_ request: CurlRequest) async throws(CurlError) -> CurlResponse {
        if Task.isCancelled { throw CurlError(curlCode: CURLE_ABORTED_BY_CALLBACK) }
        let cancellation = CurlCancellation()
        // The transfer, on whichever thread runs it.
        let run: @Sendable () -> Result<CurlResponse, CurlError> = { [self] in
            Result { () throws(CurlError) -> CurlResponse in
                try transfer(request, isCancelled: { cancellation.isCancelled }, cancellation: cancellation)
            }
        }
        let outcome = await withTaskCancellationHandler {
            // A task that prefers `executor`, on its thread: the transfer runs here.
            if worker.isCurrent { return run() }
            return await withCheckedContinuation { (continuation: CheckedContinuation<Result<CurlResponse, CurlError>, Never>) in
                let job: WorkerThread.Job = {
                    let result = run()
                    return { continuation.resume(returning: result) }
                }
                if !worker.runIfFree(job), !DetachedThread.detachJob(job) {
                    continuation.resume(returning: .failure(CurlError(
                        kind: .other, code: -1, message: "could not start a thread for the transfer")))
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try outcome.get()
    }

    /// Runs one transfer on the calling thread, on a handle from the pool.
    ///
    /// - Parameter cancellation: for an async caller, what wakes the
    ///   transfer when its task is cancelled.
    private func transfer(_ request: CurlRequest, isCancelled: () -> Bool,
                          cancellation: CurlCancellation?) throws(CurlError) -> CurlResponse {
        try request.validate()
        if isCancelled() { throw CurlError(curlCode: CURLE_ABORTED_BY_CALLBACK) }
        let headerList = try CurlHeaderList.make(for: request)
        defer { curl_slist_free_all(headerList) }
        let handle = try pool.take()
        defer { pool.put(handle) }
        cancellation?.attach(handle)
        defer { cancellation?.detach() }
        return try withoutActuallyEscaping(isCancelled) { isCancelled throws(CurlError) -> CurlResponse in
            let transfer = CurlTransfer(maxResponseBytes: configuration.maxResponseBytes, isCancelled: isCancelled)
            // curl holds `transfer` only as a raw pointer: keep it alive until curl is done.
            defer { withExtendedLifetime(transfer) {} }
            try handle.configure(for: request, configuration: configuration, transfer: transfer, headerList: headerList)
            let code = try handle.run(isCancelled: isCancelled)
            guard code == CURLE_OK else {
                let error = CurlError(curlCode: code, detail: handle.errorDetail, exceededLimit: transfer.exceededLimit)
                // A kept-alive connection that died under the request is
                // retried by curl on a new one; if that connect fails, the
                // request may still have reached the server on the first:
                // then it is not "could not connect" (nothing sent) but a send
                // that failed.
                if error.kind == .couldNotConnect || error.kind == .couldNotResolve, handle.requestBytesSent() > 0 {
                    throw CurlError(kind: .sendFailed, code: error.code,
                                    message: error.message + " (after the request was sent on a kept-alive connection)")
                }
                throw error
            }
            return CurlResponse(status: try handle.responseCode(), headers: transfer.headers, body: transfer.body)
        }
    }
}
