// Package helm holds no code of its own: its tests render the Helm chart in
// piazza/ with the helm binary that .ci/setup installs, and check what a
// cluster would be given (strict Kubernetes API types, the restricted Pod
// Security Standard, references between the objects, the install order).
package helm
