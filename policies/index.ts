/**
 * The llm-stack CrossGuard policy pack:
 *   pulumi preview --policy-pack policies --policy-pack-config policies/config.example.json
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./all-policies";

new PolicyPack("llm-stack", { policies: POLICIES });
