import AccountCore
import Allmine
import Mudbase
import Ovok

/// The version of AccountCore, as `ac_version()` and `acct --version`
/// report it: the one place it is written.
package let accountCoreVersion = "1.3.0"

/// The back ends this build carries, by the name a configuration gives.
package enum BackendCatalog {
    /// Every back end, in a stable order.
    package static let all: [any AccountBackend] = [AllmineBackend(), MudbaseBackend(), OvokBackend()]

    /// The names, for help texts and errors.
    package static var names: [String] { all.map(\.name) }

    /// The back end called `name`, if there is one.
    package static func backend(named name: String) -> (any AccountBackend)? {
        all.first { $0.name == name }
    }
}
