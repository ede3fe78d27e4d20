import Foundation
import SupervisorModel

extension LogWriteError {
    /// The error of a failed `write` (or, with `opening`, `open`) of a log file.
    init(errno code: Int32, opening: Bool) {
        var text = String(cString: strerror(code))
        if let first = text.first { text = first.lowercased() + text.dropFirst() }
        let kind: Code
        switch code {
        case ENOSPC: kind = .noSpace
        case EDQUOT: kind = .quotaExceeded
        case EIO: kind = .ioError
        case EFBIG: kind = .fileTooLarge
        default: kind = opening ? .cannotOpen : .writeFailed
        }
        if opening && kind == .cannotOpen { text = "cannot open it: \(text)" }
        self.init(code: kind, errno: code, message: text)
    }

    /// Failures that a full or failing disk causes, and that may go away by themselves.
    var isTransient: Bool {
        switch code {
        case .noSpace, .quotaExceeded, .ioError, .fileTooLarge: true
        case .cannotOpen, .writeFailed: false
        }
    }
}
