// Package deploy holds no code of its own: its tests check what ships
// beside the binary, the container image's build files (deploy/Dockerfile
// and the repository's .dockerignore) and the catalogue metadata
// (publiccode.yml). The Helm chart has its own tests in deploy/helm.
package deploy
