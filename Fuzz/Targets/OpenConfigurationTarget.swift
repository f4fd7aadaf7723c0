import AccountCore
import AccountCoreC
import CAccountCore
#if canImport(Glibc)
import Glibc
#endif

/// The folder every store this target opens lives in, made once per
/// process (0700) and emptied after each input.
private let openSandbox: String = {
    let directory = "/tmp/accountcore-fuzz-open-\(getpid())"
    mkdir(directory, 0o700)
    return directory
}()

/// An app's transport that answers every request "no connection" at once:
/// nothing this target opens reaches a network (nobody signs in, so nothing
/// is sent anyway).
private let offlineSend: ac_transport_send_fn = { _, request, _ in
    _ = ac_http_fail(request, ac_http_failure(AC_HTTP_NO_CONNECTION), nil)
}
private let ignoredCancel: ac_transport_cancel_fn = { _, _ in }

/// `ac_open` and `ac_open_with_transport` with any configuration text: never
/// a crash; AC_OK with a core and no error text, or a status of the header
/// with an `{"error": ...}` object and no core; a core that opens answers a
/// local call and closes.
///
/// The bytes are the configuration (a NUL ends it). The store stays inside
/// the sandbox: when the text reads as an object whose `databasePath` is a
/// string (the member the library would use: the first, as its parser
/// reads), that path is moved into the sandbox (`sandboxed(_:)`) and the
/// object written back; any other text cannot name a store, and goes as it is.
@_cdecl("fuzz_ac_open")
public func fuzzACOpen(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let end = bytes.firstIndex(of: 0) { bytes.removeSubrange(end...) }
    if case .object(var members)? = try? JSONParser.parse(bytes), case .string(let path)? = members["databasePath"] {
        members["databasePath"] = .string(sandboxed(path))
        bytes = JSONWriter.write(.object(members))
    }
    var text = bytes.map { CChar(bitPattern: $0) }
    text.append(0)

    checkOpen { core, error in ac_open(text, core, error) }
    var transport = ac_transport(version: UInt32(AC_TRANSPORT_VERSION), context: nil, send: offlineSend,
                                 cancel: ignoredCancel)
    checkOpen { core, error in ac_open_with_transport(text, &transport, core, error) }
    emptySandbox()
    return 0
}

/// Runs one open and checks what the header promises of its outcome.
private func checkOpen(_ open: (UnsafeMutablePointer<OpaquePointer?>,
                                UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> ac_status) {
    var core: OpaquePointer?
    var error: UnsafeMutablePointer<CChar>?
    let status = open(&core, &error)
    precondition((0...13).contains(status), "a status of the header")
    if status == 0 {
        precondition(core != nil && error == nil, "AC_OK gives a core and no error")
        _ = ac_set_online(core, 0)
        var out: UnsafeMutablePointer<CChar>?
        precondition(ac_call(core, "capabilities", nil, &out) == 0, "an open core answers a local call")
        ac_string_free(out)
        ac_close(core)
    } else {
        precondition(core == nil, "a failed open gives no core")
        guard let error else { preconditionFailure("a failed open gives an error object") }
        let json = JSONValue(parsing: UnsafeBufferPointer(start: UnsafeRawPointer(error).assumingMemoryBound(to: UInt8.self),
                                                          count: strlen(error)))
        precondition(json?["error"]?.objectValue != nil, "the error text is an {\"error\": {...}} object")
        ac_string_free(error)
    }
}

/// `path` as a file in the sandbox: its last 100 bytes, `/` made `_`, so it
/// names a file directly inside it; "." is the sandbox itself (a folder,
/// which must be refused untouched); empty stays empty (refused).
private func sandboxed(_ path: String) -> String {
    if path.isEmpty { return "" }
    if path == "." { return openSandbox }
    var name = Array(path.utf8.suffix(100)).map { $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 }
    if name == Array("..".utf8) { name = Array("_..".utf8) }
    return openSandbox + "/" + String(decoding: name, as: UTF8.self)
}

/// Removes what the last input left in the sandbox (stores, journals).
private func emptySandbox() {
    guard let folder = opendir(openSandbox) else { return }
    defer { closedir(folder) }
    while let entry = readdir(folder) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != "." && name != ".." { unlink(openSandbox + "/" + name) }
    }
}
