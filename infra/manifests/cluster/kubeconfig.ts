/**
 * Renders a kubeconfig for an EKS cluster that authenticates with `aws eks get-token` (the AWS
 * CLI's exec credential plugin), so no long-lived credential is stored in it.
 */
export interface KubeconfigInput {
  clusterName: string;
  endpoint: string;
  certificateAuthorityData: string;
  region: string;
}

export function renderKubeconfig({ clusterName, endpoint, certificateAuthorityData, region }: KubeconfigInput): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthorityData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
