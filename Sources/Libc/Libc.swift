// The C library of whatever system this builds for, in one place: every
// other module imports `Libc`, and none names a platform. Swift's overlays
// differ by platform (Glibc on most Linux, Musl on static Linux, Android's
// Bionic, Darwin on Apple's systems); they offer the same POSIX calls.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Android)
@_exported import Android
#elseif canImport(Darwin)
@_exported import Darwin
#else
#error("no C library overlay for this platform")
#endif
