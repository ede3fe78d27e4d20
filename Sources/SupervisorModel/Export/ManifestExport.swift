/// `supervisor export`: turns a loaded manifest into Docker Compose, Kubernetes or systemd
/// definitions. Pure: the CLI reads the files and writes the result.
public enum ManifestExport {
    /// Renders `manifest` (restricted to `host` when given) in `format`.
    ///
    /// - Parameters:
    ///   - baseDirectory: the manifest's folder; relative cwds and commands are taken from it
    ///     (systemd needs absolute paths).
    ///   - portOffset: the PORT_OFFSET the manifest was expanded with (systemd's legacy
    ///     environment carries it).
    public static func render(
        _ manifest: Manifest, hosts: HostTable, format: ExportFormat, host: String? = nil,
        baseDirectory: String = ".", portOffset: String = "0"
    ) throws(ExportError) -> ExportResult {
        let plan = try ExportPlan(manifest: manifest, hosts: hosts, host: host)
        switch format {
        case .compose:
            return ComposeExport(plan: plan).render()
        case .kubernetes:
            return KubernetesExport(plan: plan).render()
        case .systemd:
            return SystemdExport(plan: plan, baseDirectory: baseDirectory, portOffset: portOffset).render()
        }
    }
}
