/// The platform a client says it runs on (Allmine's `X-Platform`).
public enum ClientPlatform: String, Hashable, Sendable, CaseIterable {
    case web
    case mobileIOS = "mobile_ios"
    case mobileAndroid = "mobile_android"
    case admin
    case api
    case unknown
    case all
}
