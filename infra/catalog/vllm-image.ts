/**
 * The vLLM server image the kit deploys, and what the planner and the pod spec rely on about it.
 * Only the image's user database is recorded here: which UIDs have a passwd entry decides whether
 * Python's getpass.getuser() (called by PyTorch's inductor) can name the user the pod runs as.
 */
import { type Source } from "./schema";

export const VLLM_IMAGE = {
  repository: "vllm/vllm-openai",
  tag: "v0.11.0",
  /**
   * UIDs with an /etc/passwd entry. At v0.11.0 the vllm-openai stage of docker/Dockerfile adds no
   * user (root only); a `vllm` user, UID 2000, HOME /home/vllm, arrived later (vLLM PR #40275, 2026-04).
   */
  passwdUids: [0],
  source: {
    ref: "https://github.com/vllm-project/vllm/blob/v0.11.0/docker/Dockerfile (no useradd; ENTRYPOINT [\"vllm\", \"serve\"]); vllm-project/vllm PR #40275",
    readOn: "2026-11-27",
  } satisfies Source,
} as const;

export const VLLM_IMAGE_REFERENCE = `${VLLM_IMAGE.repository}:${VLLM_IMAGE.tag}`;
