/** The processing step of prepare, and what other steps need to know about an image. */
export { processImage, processingSignature, type ProcessOptions, type ProcessedImage } from "./processImage";
export { isAnimated } from "./animation";
export { ProcessRefusal } from "./bytes";
