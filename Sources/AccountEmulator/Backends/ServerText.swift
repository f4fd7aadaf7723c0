import AccountCore

/// The error texts the emulated servers send, in English and, for
/// `X-Language: tr`, in Turkish. Allmine's English texts are the seeds' own.
enum ServerText {
    case validationFailed
    case authenticationRequired
    case insufficientPermissions
    case resourceNotFound
    case conflict
    case unprocessable
    case tooManyRequests
    case internalError
    case serviceUnavailable
    case confirmationRequired
    case apiKeyNotAccepted
    case bodyNotJSON
    case invalidCredentials
    case credentialsRequired
    case userNotFound
    case daysOutOfRange
    case wipeNotBoolean

    func text(in language: Language) -> String {
        switch language {
        case .english: english
        case .turkish: turkish
        }
    }

    private var english: String {
        switch self {
        case .validationFailed: "Validation failed"
        case .authenticationRequired: "Authentication required"
        case .insufficientPermissions: "Insufficient permissions"
        case .resourceNotFound: "Resource not found"
        case .conflict: "Resource already exists or cannot be changed in its current state"
        case .unprocessable: "The request could not be validated"
        case .tooManyRequests: "Too many requests"
        case .internalError: "Internal server error"
        case .serviceUnavailable: "Service unavailable"
        case .confirmationRequired: "confirmation must be exactly DELETE_MY_ACCOUNT"
        case .apiKeyNotAccepted: "API keys are not supported for this endpoint"
        case .bodyNotJSON: "The request body is not valid JSON"
        case .invalidCredentials: "Invalid email or password"
        case .credentialsRequired: "email and password are required"
        case .userNotFound: "User not found"
        case .daysOutOfRange: "days must be an integer from 1 to 365"
        case .wipeNotBoolean: "wipe must be true or false"
        }
    }

    private var turkish: String {
        switch self {
        case .validationFailed: "Doğrulama başarısız"
        case .authenticationRequired: "Kimlik doğrulaması gerekli"
        case .insufficientPermissions: "Yetersiz yetki"
        case .resourceNotFound: "Kaynak bulunamadı"
        case .conflict: "Kaynak zaten var ya da şu anki durumunda değiştirilemez"
        case .unprocessable: "İstek doğrulanamadı"
        case .tooManyRequests: "Çok fazla istek gönderildi"
        case .internalError: "Sunucu hatası"
        case .serviceUnavailable: "Hizmet şu anda kullanılamıyor"
        case .confirmationRequired: "confirmation tam olarak DELETE_MY_ACCOUNT olmalıdır"
        case .apiKeyNotAccepted: "Bu uç nokta API anahtarı kabul etmez"
        case .bodyNotJSON: "İstek gövdesi geçerli bir JSON değil"
        case .invalidCredentials: "E-posta adresi ya da şifre hatalı"
        case .credentialsRequired: "email ve password alanları zorunludur"
        case .userNotFound: "Kullanıcı bulunamadı"
        case .daysOutOfRange: "days 1 ile 365 arasında bir tam sayı olmalıdır"
        case .wipeNotBoolean: "wipe true ya da false olmalıdır"
        }
    }

    /// The generic text for an error status, used by injected faults.
    static func forStatus(_ status: Int) -> ServerText {
        switch status {
        case 400: .validationFailed
        case 401: .authenticationRequired
        case 403: .insufficientPermissions
        case 404: .resourceNotFound
        case 409: .conflict
        case 422: .unprocessable
        case 429: .tooManyRequests
        case 503: .serviceUnavailable
        default: .internalError
        }
    }
}
