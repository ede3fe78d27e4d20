import Foundation

/// A failed system or libzmq call: which function, which errno, and a human sentence.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public var function: String
    public var errno: Int32
    public var message: String

    public init(_ function: String, errno: Int32, message: String? = nil) {
        self.function = function
        self.errno = errno
        self.message = message ?? String(cString: strerror(errno))
    }

    public var description: String { "\(function): \(message) (errno \(errno))" }
}

/// Runs a libc call, retrying on EINTR, throwing `SystemError` on -1.
@discardableResult
public func retryingSystemCall<T: BinaryInteger>(_ function: String, _ body: () -> T) throws -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw SystemError(function, errno: code)
    }
}
