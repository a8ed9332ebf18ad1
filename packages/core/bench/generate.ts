/** Generated pipelines for the benchmarks: a realistic mix of step types, prompts and comments. */
export function generatePipeline(steps: number): string {
  const out: string[] = [
    '# Generated benchmark pipeline',
    'workflow:',
    `  name: bench_${steps}`,
    '  description: "A generated pipeline"',
    '  steps:',
  ]
  for (let i = 0; i < steps; i++) {
    const kind = i % 4
    if (i % 10 === 0) out.push(`    # Stage ${i / 10}`)
    if (kind === 0) {
      out.push(
        `    - name: plan_${i}`,
        '      type: gemini',
        '      model: gemini-2.5-flash',
        '      token_budget:',
        '        max_output_tokens: 2048',
        '        temperature: 0.3',
        '      prompt:',
        '        - type: static',
        `          content: "Plan part ${i} of the work"`,
      )
    } else if (kind === 1) {
      out.push(
        `    - name: build_${i}`,
        '      type: claude',
        '      claude_options:',
        '        max_turns: 10',
        '        allowed_tools: [Read, Write, Edit]',
        '      prompt:',
        '        - type: previous_response',
        `          step: plan_${i - 1}`,
        '          extract: text',
        '        - type: static',
        '          content: |',
        `            Implement part ${i}.`,
        '            Keep the tests green.',
      )
    } else if (kind === 2) {
      out.push(
        `    - name: review_${i}`,
        '      type: claude_smart',
        '      preset: analysis',
        `      condition: "build_${i - 1}.success == true"`,
        '      prompt:',
        '        - type: static',
        `          content: "Review part ${i}"  # short review`,
      )
    } else {
      out.push(
        `    - name: note_${i}`,
        '      type: set_variable',
        '      variables:',
        `        part: ${i}`,
        `        label: "part-{{steps.plan_${i - 3}.text}}"`,
      )
    }
  }
  return out.join('\n') + '\n'
}
