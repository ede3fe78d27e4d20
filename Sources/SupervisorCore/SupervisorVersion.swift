/// The supervisor's version.
public enum SupervisorVersion {
    public static let text = "0.1.0"
}
