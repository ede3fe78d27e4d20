/// `supervisor export`: turns a loaded manifest into Docker Compose, Swarm, Kubernetes or systemd
/// definitions. Pure: the CLI reads the files and writes the result.
public enum ManifestExport {
    /// Renders `manifest` (restricted to `host` when given) in `format`.
    ///
    /// - Parameters:
    ///   - baseDirectory: the manifest's folder; relative cwds and commands are taken from it
    ///     (systemd needs absolute paths).
    ///   - portOffset: the PORT_OFFSET the manifest was expanded with (systemd's legacy
    ///     environment carries it).
    ///   - image: the image of Compose, Swarm and Kubernetes (systemd runs on the host).
    public static func render(
        _ manifest: Manifest, hosts: HostTable, format: ExportFormat, host: String? = nil,
        baseDirectory: String = ".", portOffset: String = "0", image chosenImage: ContainerImage? = nil
    ) throws(ExportError) -> ExportResult {
        let plan = try ExportPlan(manifest: manifest, hosts: hosts, host: host)
        let image: ContainerImage
        if let chosenImage { image = chosenImage } else { image = try ContainerImage() }
        switch format {
        case .compose, .swarm:
            return ComposeExport(plan: plan, image: image, swarm: format == .swarm).render()
        case .kubernetes:
            return KubernetesExport(plan: plan, image: image).render()
        case .systemd:
            return SystemdExport(plan: plan, baseDirectory: baseDirectory, portOffset: portOffset).render()
        }
    }
}
