/// ZeroMQ endpoint strings.
public enum ZMQEndpoint {
    /// `tcp://10.0.0.1:7700`, or `tcp://[::1]:7700` for an IPv6 literal.
    public static func tcp(_ address: String, port: Int) -> String {
        address.contains(":") ? "tcp://[\(address)]:\(port)" : "tcp://\(address):\(port)"
    }
}
