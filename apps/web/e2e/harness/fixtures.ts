/** A small pipeline with a comment (which must survive every edit). */
export const twoSteps = `# Research, then write
workflow:
  name: research
  steps:
    - name: gather # collect sources
      type: claude
      prompt:
        - type: static
          content: Find sources about Yjs.
    - name: write
      type: gemini
      prompt:
        - type: previous_response
          step: gather
`
